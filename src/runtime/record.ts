import type { QueryRunner, Table } from 'typeorm';
import { dataSourceOptions } from '../connection/data-source-options';
import { loadTypeorm } from '../connection/typeorm-load';
import type { SqlExecutor } from '../connection/sql-executor';
import type { ConnectionSpec } from '../connection/url';
import type { Dialect } from '../dialect';
import { createOfflineRunner } from './offline-runner';
import { routeThrough } from '../connection/statement-stages';
import { shapeOf } from '../sql/shape';
import { VersionTable } from './version-table';
import type { RevisionChain } from '../script/chain';
import { revisionsBelow, Step } from '../script/plan';
import type { LockPolicy } from '../connection/lock-policy';
import { Logger, silentLogger } from '../log';
import { MigrationLockWaits } from './lock-waits';
import { PartialRevisionNote } from './partial-revision';
import { migrationContext } from '../portable/context';
import { applyChanges, Heads, headsOf } from '../script/heads';
import type { RunLockStatements } from './run-lock-statements';
import { Direction, runSteps, RunSink } from './run-steps';

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
 * The statements of the steps from `current` to `to`, for `--sql` and `--plan` alike: the run's own
 * loop (run-steps.ts) with a recording as its sink. For a script, the revisions from base to
 * `current` are replayed on the offline runner with recording off (so that TypeORM knows the
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
  direction: Direction,
  current: Heads | string | null,
  to: string | null,
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
  const out: RecordedStep[] = [];
  /** Where statements are kept: the step now running, or before the first one what opens it. */
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
  const from = headsOf(current);
  const versions = recordedVersions(offline.runner, dialect, from, (sending) => (version = sending), (making) => (creating = making));

  // The run's stages, in front of the recording as they are in front of the server in a run.
  // A statement's table as it is then: the offline runner's tables, where the run reads the catalog.
  const tableOf = async (name: string) => (await self.loadTables([name]))[0];
  const waits = run && new MigrationLockWaits(offline.runner, dialect, offline.runner, run.lockPolicy, run.log, tableOf);
  /**
   * The run lock's statements, kept as they are sent on the lock's connection: past the run's stages,
   * read by the plan in their place among the run's.
   */
  const lockStatements = (statements: string[], note: (last: boolean) => string | undefined) =>
    statements.forEach((sql, i) => {
      const statement: RecordedStatement = { sql, schema: new Map(), version: false, createsVersionTable: false, runLock: { note: note(i === statements.length - 1) } };
      recorded.push(statement);
      run?.answer(statement);
    });
  offline.recording = true;
  try {
    if (run) {
      for (const statement of run.sessionStatements) await offline.runner.query(statement);
      await waits!.apply({ watch: false });
      if (run.runLock) lockStatements(run.runLock.taking, (last) => (last ? takingNote(run.runLock!) : undefined));
    }
    await runSteps(
      {
        runner: offline.runner,
        dialect,
        log: run?.log ?? silentLogger,
        attempts: waits ?? ONCE,
        transactions: {
          // A run holds a revision and its version row in one transaction where DDL is transactional.
          atomically: async (work) => {
            offline.inTransaction(Boolean(run) && dialect.transactionalDdl);
            try {
              return await work();
            } finally {
              offline.inTransaction(false);
              waits?.transactionEnded();
            }
          },
          mayContinue: () => false,
          outside: (work) => scriptStepOut(offline.runner, dialect, work),
          assertHeld: () => {},
        },
        versions,
        // A step outside the revision's transaction, as the run takes it: the revision noted as
        // partly applied before the first one commits. A script leaves no note: nobody resumes a script.
        partial: new PartialRevisionNote(offline.runner, dialect, { leavesNotes: Boolean(run) }),
        lent: { offline: run ? 'run' : 'script' },
        prepare: async () => ({ found: { exists: !options.createVersionTable, heads: from }, to }),
        starting: (step) => {
          if (out.length > 0) recorded = [];
          out.push({ step, statements: recorded });
        },
      },
      chain,
      direction,
      from,
    );
    // After the last revision, in its step.
    if (run?.runLock && out.length > 0) lockStatements(run.runLock.releasing, () => 'releases the run lock');
  } finally {
    offline.recording = false;
  }
  return out;
}

/** Where nothing can lose a lock (a script): each transaction is tried once. */
const ONCE: RunSink['attempts'] = {
  retryRevision: (_what, _outcome, attempt) => attempt(),
  beginRevision: () => {},
  lockWhatTheRevisionNeeds: async () => {},
};

/**
 * The runtime's VersionTable writing to the recording, marked as the version's bookkeeping and not
 * the revision's, with the heads it has written kept in memory: the recording has no table to read.
 */
function recordedVersions(
  runner: QueryRunner,
  dialect: Dialect,
  from: Heads,
  sending: (on: boolean) => void,
  making: (on: boolean) => void,
): RunSink['versions'] {
  let heads = from;
  const marked = async <T>(mark: (on: boolean) => void, work: () => Promise<T>): Promise<T> => {
    mark(true);
    try {
      return await work();
    } finally {
      mark(false);
    }
  };
  // It asks whether the table exists before writing: here it does (or is created first).
  const sql: SqlExecutor = {
    query: (text: string, parameters?: unknown[]) => (shapeOf(text, dialect.backend).reads ? Promise.resolve([{ exists: 1 }]) : marked(sending, () => runner.query(text, parameters))),
  };
  const table = new VersionTable(sql, dialect);
  return {
    readHeads: async () => ({ exists: true, heads }),
    create: () => marked(making, () => table.create()),
    apply: async (changes) => {
      await table.apply(changes);
      heads = applyChanges(heads, changes);
    },
  };
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
