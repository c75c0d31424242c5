import type { Table } from 'typeorm';
import { dataSourceOptions } from '../connection/data-source-options';
import { loadTypeorm } from '../connection/typeorm-load';
import type { SqlExecutor } from '../connection/sql-executor';
import type { ConnectionSpec } from '../connection/url';
import type { Dialect } from '../dialect';
import { createOfflineRunner } from './offline-runner';
import { routeThrough } from '../connection/statement-stages';
import { VersionTable } from './version-table';
import type { RevisionChain } from '../script/chain';
import { revisionsBelow, Step } from '../script/plan';
import type { Heads } from '../script/heads';

/** One statement a run would send, with the schema it was rendered against. */
export interface RecordedStatement {
  sql: string;
  /** The in-memory tables just before the statement (see ClassifyInput.schema). */
  schema: ReadonlyMap<string, Table>;
  /** Sent by the version table, not by the revision. */
  version: boolean;
  /** The version table's CREATE, which opens the first step where the database has none yet. */
  createsVersionTable: boolean;
}

export interface RecordedStep {
  step: Step;
  statements: RecordedStatement[];
}

/**
 * The statements of `steps`, for `--sql` and `--plan` alike: the revisions from base to `current`
 * are replayed on the offline runner with recording off (so that TypeORM knows the tables), then the
 * pending ones run with recording on. What the script holds and the plan describes is therefore what
 * the revisions send, not a second description of them.
 *
 * The version table's statements are included, from the runtime's own VersionTable, the code the
 * real run uses: when `createVersionTable` (the database has no alembic_version yet), its CREATE
 * TABLE opens the first step, as the run creates it before running anything; each step ends with
 * its INSERT / UPDATE / DELETE of the version row.
 */
export async function recordSteps(
  spec: ConnectionSpec,
  dialect: Dialect,
  chain: RevisionChain,
  current: Heads | string | null,
  steps: Step[],
  options: { createVersionTable: boolean },
): Promise<RecordedStep[]> {
  const { DataSource } = loadTypeorm();
  // A DataSource that is never initialized: nothing here can reach the database.
  const offline = createOfflineRunner(new DataSource(dataSourceOptions(spec)), dialect);
  for (const revision of revisionsBelow(chain, current)) await revision.up(offline.runner);

  const self = offline.runner as unknown as { loadTables(names?: string[]): Promise<Table[]> };
  let recorded: RecordedStatement[] = [];
  let version = false;
  let creating = false;
  // Each statement is kept with the tables as they were just before it: the offline runner updates
  // its tables after TypeORM has sent an operation's statements.
  routeThrough(offline.runner, [
    (send) => async (sql, ...rest) => {
      const before = offline.statements.length;
      const schema = offline.recording ? new Map((await self.loadTables()).map((t) => [t.name, t])) : new Map<string, Table>();
      const result = await send(sql, ...rest);
      for (const text of offline.statements.slice(before)) recorded.push({ sql: text, schema, version, createsVersionTable: creating });
      return result;
    },
  ]);
  // The version table reads whether it exists before writing: here it does (or is created first).
  const versionSql: SqlExecutor = {
    query: async (sql: string, parameters?: unknown[]) => (/^\s*SELECT\b/i.test(sql) ? [{ exists: 1 }] : offline.runner.query(sql, parameters)),
  };
  const versions = new VersionTable(versionSql, dialect);

  const out: RecordedStep[] = [];
  offline.recording = true;
  try {
    for (const [i, step] of steps.entries()) {
      recorded = [];
      if (i === 0 && options.createVersionTable) {
        version = creating = true;
        await versions.create();
        version = creating = false;
      }
      await (step.direction === 'up' ? step.revision.up(offline.runner) : step.revision.down(offline.runner));
      version = true;
      await versions.apply(step.changes);
      version = false;
      out.push({ step, statements: recorded });
    }
  } finally {
    offline.recording = false;
  }
  return out;
}
