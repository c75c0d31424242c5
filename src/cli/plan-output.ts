import type { Plan, PlanStatement } from '../api/plan';
import type { Backend } from '../dialect/backend';
import { dialectFor } from '../dialect';
import type { RevisionChain } from '../script/chain';
import { headsOf, versionText } from '../script/heads';
import { parentText } from '../script/revision';

/**
 * `--plan` for people: per revision, a table of its statements (table, lock, rewrite, scan, rows;
 * MariaDB's algorithm too), then the statements themselves, numbered, in full, with any note.
 *
 * The columns are padded here rather than by a table library: the project has none among its
 * dependencies, the cells are one-line strings, and the statements, which are long, are listed
 * under the table instead of being squeezed or wrapped into a cell.
 */
export function renderPlan(plan: Plan, backend: Backend, direction: 'upgrade' | 'downgrade', chain: RevisionChain): string {
  const dialect = dialectFor(backend);
  const algorithms = dialect.hasAlterAlgorithms;
  const lines = [`Plan: ${direction} ${versionText(headsOf(plan.from))} -> ${plan.to ?? 'base'} on ${dialect.familyName}; nothing has been changed.`];
  if (plan.steps.length === 0) {
    lines.push('Nothing to do: the database is already at the target revision.');
    return lines.join('\n') + '\n';
  }
  for (const step of plan.steps) {
    const rev = chain.get(step.revision);
    const parents = rev ? parentText(rev, 'base').replace(/^\((.*)\)$/, '$1') : 'base';
    const [from, to] = direction === 'upgrade' ? [parents, step.revision] : [step.revision, parents];
    lines.push('', `${direction} ${from} -> ${to}, ${step.message}`);
    const headers = ['#', 'table', ...(algorithms ? ['algorithm'] : []), 'lock', 'rewrite', 'scan', 'rows'];
    const rows = step.statements.map((s, i) => [
      String(i + 1),
      s.table ?? `(${s.kind})`,
      ...(algorithms ? [s.algorithm ?? '-'] : []),
      s.lock ?? '-',
      s.table === null ? '-' : s.rewrite ? 'yes' : 'no',
      s.table === null ? '-' : s.scan ? 'yes' : 'no',
      rowsText(s),
    ]);
    lines.push(...textTable(headers, rows).map((l) => `  ${l}`));
    step.statements.forEach((s, i) => {
      lines.push(`  [${i + 1}] ${s.sql.replace(/\s*\n\s*/g, ' ')}`);
      if (s.note) lines.push(`      ${s.note}`);
    });
  }
  lines.push(
    '',
    'rows: ~ from the server\'s statistics, exact when counted, 0 for a table the plan creates first. ' + 'The SQL is what the run sends (see also --sql); --json gives all of it as data.',
  );
  return lines.join('\n') + '\n';
}

function rowsText(s: PlanStatement): string {
  if (s.rows === null) return s.table === null ? '-' : '?';
  const n = s.rows.toLocaleString('en-US');
  switch (s.rows_source) {
    case 'statistics':
      return `~${n}`;
    case 'count-at-least':
      return `>=${n}`;
    case 'new':
      return `${n} (new)`;
    default:
      return n;
  }
}

/** Left-aligned columns, two spaces apart, with a rule under the headers. */
export function textTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
