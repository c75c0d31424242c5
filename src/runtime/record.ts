import type { QueryRunner, Table } from 'typeorm';
import { dataSourceOptions } from '../connection/data-source-options';
import { loadTypeorm } from '../connection/typeorm-load';
import type { SqlExecutor } from '../connection/sql-executor';
import type { ConnectionSpec } from '../connection/url';
import type { Dialect } from '../dialect';
import { createOfflineRunner } from './offline-runner';
import { routeThrough } from '../connection/statement-stages';
import { VersionTable } from './version-table';
import type { RevisionChain } from '../script/chain';
import { revisionsBelow, Step, stepLabel } from '../script/plan';
import type { LockPolicy } from '../connection/lock-policy';
import type { Logger } from '../log';
import { MigrationLockWaits } from './lock-waits';
import { applyRevision } from './apply-revision';
import { PartialRevisionNote } from './partial-revision';
import { migrationContext } from '../portable/context';
import type { Heads } from '../script/heads';
import type { RunLockStatements } from './run-lock-statements';

/** One statement a run would send, with the schema it was rendered against. */
export interface RecordedStatement {
  sql: string;
  /** The in-memory tables just before the statement (see ClassifyInput.schema). */
  schema: ReadonlyMap<string, Table>;
  /** Sent by the version table, not by the revision. */
  version: boolean;
  /** The version table's CREATE, which opens the first step where the database has none yet. */
  createsVersionTable: boolean;
  /** Sent once per range of keys, the placeholders standing for each range's bounds (a batched data change). */
  eachRange?: true;
  /** Not a statement: a script's comment on what the run does at this point that a script cannot (noteInScript). */
  note?: true;
  /** The server would refuse it (a form of MariaDB's ALGORITHM= it cannot use): it changes nothing, the next form follows. */
  refused?: true;
  /** Sent by the run lock, on a connection of its own (run-lock-statements.ts), with what to say about it. */
  runLock?: { note?: string };
}

/**
 * Recording what a run sends, rather than a script: the run's lock-wait settings and stages
 * (MigrationLockWaits), each revision in its transaction where the run has one, and the forms a
 * server may refuse, each answered by `answer` (the plan's reading of the server): an error for a
 * statement the server would refuse, undefined for one it runs.
 */
export interface AsTheRun {
  /**
   * The tables as the run will find them (the live database's): TypeORM writes each change from
   * the table it is given, so the order of, say, the indexes a DROP TABLE drops first is the server's.
   */
  liveTables: Table[];
  /** The schema the connection's names resolve in (PostgreSQL), as the run's driver knows it. */
  searchSchema: string | undefined;
  lockPolicy: LockPolicy;
  /** The connection's session settings (Session.sessionStatements), which a run's connection sends first. */
  sessionStatements: readonly string[];
  /** What the run lock sends, where it sends anything that changes something (run-guard.ts runLockStatements). */
  runLock?: RunLockStatements;
  log: Logger;
  answer(statement: RecordedStatement): Error | undefined;
}

export interface RecordedStep {
  step: Step;
  statements: RecordedStatement[];
}

/**
 * The statements of `steps`, for `--sql` and `--plan` alike. For a script, the revisions from base
 * to `current` are replayed on the offline runner with recording off (so that TypeORM knows the
 * tables), then the pending ones run with recording on. For the plan (`asTheRun`), the offline
 * runner starts from the live tables instead, and the run's stages stand in front of the recording.
 * What the script holds and the plan describes is therefore what the revisions send, not a second
 * description of them.
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
  options: { createVersionTable: boolean; asTheRun?: AsTheRun },
): Promise<RecordedStep[]> {
  const { DataSource } = loadTypeorm();
  const run = options.asTheRun;
  // A DataSource that is never initialized: nothing here can reach the database.
  const offline = createOfflineRunner(new DataSource(dataSourceOptions(spec)), dialect);
  if (run) offline.seed(run.liveTables, run.searchSchema);
  else {
    const replay = migrationContext(offline.runner, { offline: 'script' }, dialect);
    for (const revision of revisionsBelow(chain, current)) await revision.up(replay);
  }

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
      for (const sent of offline.statements.slice(before)) {
        const statement: RecordedStatement = { sql: sent.sql, schema, version, createsVersionTable: creating, ...(sent.eachRange ? { eachRange: true as const } : {}), ...(sent.note ? { note: true as const } : {}) };
        recorded.push(statement);
        const refusal = run?.answer(statement);
        if (refusal) {
          statement.refused = true;
          throw refusal;
        }
      }
      return result;
    },
  ]);
  // The version table reads whether it exists before writing: here it does (or is created first).
  // What it sends is the version's bookkeeping, not the revision's.
  const versionSql: SqlExecutor = {
    query: async (sql: string, parameters?: unknown[]) => {
      if (/^\s*SELECT\b/i.test(sql)) return [{ exists: 1 }];
      version = true;
      try {
        return await offline.runner.query(sql, parameters);
      } finally {
        version = false;
      }
    },
  };
  const versions = new VersionTable(versionSql, dialect);

  // The run's stages, in front of the recording as they are in front of the server in a run.
  const waits = run && new MigrationLockWaits(offline.runner, dialect, offline.runner, run.lockPolicy, run.log);
  // A step outside the revision's transaction, as the run takes it (migrate.ts): the revision noted
  // as partly applied before the first one commits, the note removed by the revision's last transaction.
  // A script steps out with COMMIT and BEGIN, and leaves no note: nobody resumes a script.
  const partial = new PartialRevisionNote(offline.runner, dialect);
  const stepOut = <T>(work: () => Promise<T>) => scriptStepOut(offline.runner, dialect, work);
  const db = migrationContext(offline.runner, { offline: run ? 'run' : 'script', transactions: run ? partial.transactions(stepOut) : { outside: stepOut } }, dialect);
  const out: RecordedStep[] = [];
  /**
   * The run lock's statements, kept as they are sent on the lock's connection: past the run's stages,
   * read by the plan in their place among the run's.
   */
  const lockStatements = (into: RecordedStatement[], statements: string[], note: (last: boolean) => string | undefined) =>
    statements.forEach((sql, i) => {
      const statement: RecordedStatement = { sql, schema: new Map(), version: false, createsVersionTable: false, runLock: { note: note(i === statements.length - 1) } };
      into.push(statement);
      run?.answer(statement);
    });
  offline.recording = true;
  try {
    for (const [i, step] of steps.entries()) {
      recorded = [];
      if (i === 0 && run) {
        for (const statement of run.sessionStatements) await offline.runner.query(statement);
        await waits?.apply({ watch: false });
        if (run.runLock) lockStatements(recorded, run.runLock.taking, (last) => (last ? takingNote(run.runLock!) : undefined));
      }
      // A run holds a revision and its version row in one transaction where DDL is transactional.
      offline.inTransaction(Boolean(run) && dialect.transactionalDdl);
      if (i === 0 && options.createVersionTable) {
        creating = true;
        await versions.create();
        creating = false;
      }
      waits?.beginRevision(stepLabel(step.direction === 'up' ? 'upgrade' : 'downgrade', step));
      await applyRevision(db, step, partial, versions);
      offline.inTransaction(false);
      waits?.transactionEnded();
      out.push({ step, statements: recorded });
    }
    // After the last revision, in its step.
    if (run?.runLock && out.length > 0) lockStatements(out[out.length - 1].statements, run.runLock.releasing, () => 'releases the run lock');
  } finally {
    offline.recording = false;
  }
  return out;
}

/** What the plan says about taking the run lock, on the statement that takes it. */
function takingNote(lock: RunLockStatements): string {
  return `${lock.takingNote}; then, every ${lock.heartbeat.everySeconds} s while the run lasts: ${lock.heartbeat.sql}`;
}

/**
 * How a recording steps out of the revision's transaction: a COMMIT before the step and a BEGIN after
 * it, where the revision has a transaction to leave (PostgreSQL; MySQL's DDL commits itself).
 */
async function scriptStepOut<T>(runner: QueryRunner, dialect: Dialect, work: () => Promise<T>): Promise<T> {
  if (dialect.transactionalDdl) await runner.query('COMMIT');
  const result = await work();
  if (dialect.transactionalDdl) await runner.query('BEGIN');
  return result;
}
