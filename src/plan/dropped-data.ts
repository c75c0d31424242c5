import type { QueryRunner } from 'typeorm';
import type { ConnectionSpec } from '../connection/url';
import type { Dialect } from '../dialect';
import type { RevisionChain } from '../script/chain';
import { downgradeSteps } from '../script/plan';
import type { Heads } from '../script/heads';
import { ClassifiedStep, classifySteps, readInOrder } from './build';
import { loadStatementReader } from '../sql/reader';
import { cappedCount } from './estimate-rows';
import { recordSteps } from '../runtime/record';

/** A table, or a column of one, that the planned statements drop while it exists in the database now. */
export interface PlannedDrop {
  table: string;
  /** null: the whole table. */
  column: string | null;
  /** The revision whose statement drops it. */
  revision: string;
}

/** A drop with what it would lose: the table's rows, or the rows where the column holds a value. */
export interface DroppedData extends PlannedDrop {
  rows: number;
  /** The count stopped at its cap (COUNT_CAP): at least `rows`. */
  atLeast: boolean;
}

/** What a downgrade from `from` to `to` would lose: the drops that hold rows, in the order they run. */
export interface DataLoss {
  /** null at base, an id, or the ids of several branches. */
  from: string | string[] | null;
  to: string | null;
  drops: DroppedData[];
  /**
   * Set when what the revisions drop cannot be told: they could not be replayed offline (a revision
   * of raw SQL on tables the kit does not know); says why. `drops` is then empty, not "nothing".
   */
  unknown?: string;
}

/** Whether the downgrade must be confirmed: it drops data, or nobody can tell. */
export function losesData(loss: Pick<DataLoss, 'drops' | 'unknown'>): boolean {
  return loss.drops.length > 0 || loss.unknown !== undefined;
}

/**
 * What a downgrade from `current` to `to` would lose, from the statements its steps send (recorded offline,
 * as --plan and --sql get them) and counts made now. `runner` is only read from.
 */
export async function dataLossOf(
  runner: QueryRunner,
  session: { spec: ConnectionSpec; dialect: Dialect },
  chain: RevisionChain,
  current: Heads | string | null,
  to: string | null,
): Promise<Pick<DataLoss, 'drops' | 'unknown'>> {
  const { spec, dialect } = session;
  if (downgradeSteps(chain, current, to).length === 0) return { drops: [] };
  let recorded: Awaited<ReturnType<typeof recordSteps>>;
  try {
    recorded = await recordSteps(spec, dialect, chain, 'downgrade', current, to, { createVersionTable: false });
  } catch (error) {
    // Offline only: nothing was sent to the database. Not knowing is not "nothing is lost".
    return { drops: [], unknown: `the revisions could not be replayed offline to see their statements (${(error as Error).message})` };
  }
  const classified = classifySteps(readInOrder(await loadStatementReader(runner, dialect.backend), recorded), recorded);
  const counted = await countDroppedData(runner, dialect, plannedDrops(classified));
  return { drops: counted.filter((d) => d.rows > 0) };
}

/**
 * The tables and columns the classified statements drop, read from the same statements the run
 * sends (their classified effect), not from a second description of the revisions. Only what exists
 * before the run is kept: a table the plan creates (a SQLite rebuild's copy, a table renamed onto)
 * holds nothing of the database's yet. A table renamed by the plan is named as the database has it
 * now. A column of a table that a later statement drops is left out: the table's rows say it.
 */
export function plannedDrops(steps: ClassifiedStep[]): PlannedDrop[] {
  const created = new Set<string>();
  /** Tables renamed by the plan: the name now -> the name in the database. */
  const original = new Map<string, string>();
  const drops: PlannedDrop[] = [];
  for (const { recorded, statements } of steps) {
    const revision = recorded.step.revision.id;
    for (const { classified } of statements) {
      const { effect, table } = classified;
      if (!effect || table === null) continue;
      const live = (name: string) => original.get(name) ?? name;
      if (effect.created) created.add(effect.created);
      if (effect.droppedColumns && !created.has(table)) {
        for (const column of effect.droppedColumns) {
          if (!drops.some((d) => d.table === live(table) && (d.column === column || d.column === null))) drops.push({ table: live(table), column, revision });
        }
      }
      if (effect.renamed) {
        if (created.delete(effect.renamed.from)) created.add(effect.renamed.to);
        else original.set(effect.renamed.to, live(effect.renamed.from));
        original.delete(effect.renamed.from);
      }
      if (effect.dropped) {
        if (created.delete(effect.dropped)) continue;
        const name = live(effect.dropped);
        original.delete(effect.dropped);
        for (let i = drops.length - 1; i >= 0; i--) if (drops[i].table === name) drops.splice(i, 1);
        drops.push({ table: name, column: null, revision });
      }
    }
  }
  return drops;
}

/**
 * What each drop would lose, counted now with plain SELECTs (no lock the services wait for), each
 * capped as the plan's counts are. A table or column that is not there (a MySQL run interrupted
 * after dropping it, which the rerun skips) loses nothing.
 */
export async function countDroppedData(runner: QueryRunner, dialect: Dialect, drops: PlannedDrop[]): Promise<DroppedData[]> {
  const counted: DroppedData[] = [];
  for (const drop of drops) {
    const exists = drop.column === null ? await runner.hasTable(drop.table) : await runner.hasColumn(drop.table, drop.column);
    if (!exists) {
      counted.push({ ...drop, rows: 0, atLeast: false });
      continue;
    }
    const count = await cappedCount(runner, dialect, drop.table, drop.column ?? undefined);
    counted.push({ ...drop, rows: count.rows ?? 0, atLeast: count.source === 'count-at-least' });
  }
  return counted;
}
