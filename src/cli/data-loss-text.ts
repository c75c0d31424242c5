import { headsOf, versionText } from '../script/heads';
import type { DataLoss, DroppedData } from '../api/migrate';

/** `audits.status_message` or `goals`. */
function dropName(d: DroppedData): string {
  return d.column === null ? d.table : `${d.table}.${d.column}`;
}

function count(d: DroppedData): string {
  return `${d.atLeast ? '>=' : ''}${d.rows.toLocaleString('en-US')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 tables and 1 column" */
function whatIsDropped(drops: DroppedData[]): string {
  const tables = drops.filter((d) => d.column === null).length;
  const columns = drops.length - tables;
  return [tables ? plural(tables, 'table') : '', columns ? plural(columns, 'column') : ''].filter(Boolean).join(' and ');
}

function target(loss: DataLoss): string {
  return loss.to ?? 'base';
}

/** The list shown on a terminal before the question, one drop a line. */
export function dataLossLines(loss: DataLoss): string[] {
  const from = versionText(headsOf(loss.from));
  if (loss.unknown) return [`Cannot tell what downgrading ${from} -> ${target(loss)} drops: ${loss.unknown}.`];
  return [
    `Downgrading ${from} -> ${target(loss)} drops ${whatIsDropped(loss.drops)} holding data:`,
    ...loss.drops.map((d) => `  ${dropName(d)}: ${count(d)} ${d.rows === 1 && !d.atLeast ? 'row' : 'rows'}${d.column === null ? '' : ' with a value'}`),
  ];
}

export function dataLossQuestion(loss: DataLoss): string {
  return loss.unknown ? `Downgrade to ${target(loss)} anyway? [y/N]` : `Downgrade to ${target(loss)} and lose this data? [y/N]`;
}

/** The one line of the refusal when nobody can be asked. */
export function dataLossRefusal(loss: DataLoss, why: string): string {
  if (loss.unknown) return `cannot tell whether downgrade to ${target(loss)} would drop data: ${loss.unknown}; ${why}; nothing was changed; run it with --yes to confirm`;
  const list = loss.drops.map((d) => `${dropName(d)}: ${count(d)}${d.column === null ? '' : ' with a value'}`).join(', ');
  return `downgrade to ${target(loss)} would drop ${whatIsDropped(loss.drops)} holding rows (${list}); ${why}; nothing was changed; run it with --yes to confirm`;
}
