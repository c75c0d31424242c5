import type { QueryRunner, Table } from 'typeorm';
import type { Session } from '../connection/session';
import type { Dialect } from '../dialect';
import { classifySteps, planSteps, tablesToEstimate } from '../plan/build';
import { loadStatementReader } from '../sql/reader';
import { estimateRows } from '../plan/estimate-rows';
import { RecordedStatement, recordSteps } from '../runtime/record';
import type { Classified } from '../sql/classify';
import { refusal } from '../portable/mysql-algorithm';
import { DEFAULT_LOCK_POLICY, LockPolicy } from '../connection/lock-policy';
import type { Plan } from '../plan/types';
import type { Direction } from '../runtime/migrate';
import { withRunner } from '../runtime/transaction';
import { preflight } from '../runtime/preflight';
import { runLockStatements } from '../runtime/run-guard';
import type { RevisionChain } from '../script/chain';
import { versionValue } from '../script/heads';

export type { Plan, PlanStatement, PlanStep } from '../plan/types';

/**
 * `upgrade --plan` / `downgrade --plan`: what the run would do, statement by statement, and what each
 * statement costs on this server (its locks, whether it rewrites or reads the table, the table's
 * rows), without changing anything: the database is only read (its version, its catalog, row
 * estimates); the statements come from the pending revisions run on the offline runner, as `--sql`
 * gets them, and the range is resolved from the database's version as the run resolves it.
 */
export async function plan(session: Session, chain: RevisionChain, direction: Direction, target: string, options: { lockPolicy?: LockPolicy } = {}): Promise<Plan> {
  const { dialect, spec, log } = session;
  return withRunner(session, async (runner) => {
    // The run's own checks, so that a plan is never shown for a run that would not start.
    const { found: state, to } = await preflight(runner, dialect, chain, direction, target);
    const current = state.heads;

    // Each statement is read as it is recorded, in the order the run sends them: the reading also
    // answers for the server, refusing what it would refuse, so the run's fallbacks are recorded too.
    const reader = await loadStatementReader(runner, dialect.backend);
    const read = new Map<RecordedStatement, Classified>();
    const answer = (statement: RecordedStatement): Error | undefined => {
      const classified = reader.read(statement);
      read.set(statement, classified);
      return classified.refused === undefined ? undefined : refusal(classified.refused);
    };
    const recorded = await recordSteps(spec, dialect, chain, direction, current, to, {
      createVersionTable: !state.exists,
      asTheRun: {
        liveTables: await liveTables(runner, dialect),
        searchSchema: (runner.connection.driver as { searchSchema?: string }).searchSchema,
        lockPolicy: options.lockPolicy ?? DEFAULT_LOCK_POLICY,
        sessionStatements: session.sessionStatements,
        runLock: runLockStatements(session),
        log,
        answer,
      },
    });
    const classified = classifySteps(read, recorded);
    const rows = await estimateRows(runner, dialect, tablesToEstimate(classified));
    return { from: versionValue(current), to, steps: planSteps(classified, rows) };
  });
}

/** The tables of the database as TypeORM loads them for a run (the connection's own only). */
async function liveTables(runner: QueryRunner, dialect: Dialect): Promise<Table[]> {
  const names = await dialect.ownTables(runner);
  return names.length > 0 ? runner.getTables(names) : [];
}
