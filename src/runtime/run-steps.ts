import type { QueryRunner } from 'typeorm';
import type { Dialect } from '../dialect';
import type { Logger } from '../log';
import { Lent, migrationContext } from '../portable/context';
import type { RevisionChain } from '../script/chain';
import { Heads, versionText } from '../script/heads';
import { checkKnown, downgradeSteps, Step, stepLabel, upgradeSteps } from '../script/plan';
import { applyRevision } from './apply-revision';
import type { MigrationLockWaits } from './lock-waits';
import type { PartialRevisionNote } from './partial-revision';
import type { Preflight } from './preflight';
import type { RunGuard } from './run-guard';
import type { VersionTable } from './version-table';

export type Direction = 'upgrade' | 'downgrade';

export interface AppliedRevision {
  id: string;
  direction: 'up' | 'down';
  /**
   * Wall-clock seconds of this revision, to the millisecond: from its first attempt to the end of its
   * work in the transaction that committed it (to that COMMIT for a transaction's last revision), so
   * the lock waits and the rolled-back attempts before the one that committed are counted: that is
   * how long the run was busy with it, which is what an operator sizing a maintenance window needs.
   * Where revisions share a transaction (SQLite) one starts when the one before it ended, so the
   * seconds add up to the run's time; a retried transaction's revisions may overlap.
   */
  seconds: number;
}

/**
 * Where a run's statements go, and what the run can learn there. The loop (runSteps) is one; its
 * sinks are three: a server (migrate.ts), the recording `--plan` reads (record.ts, as the run sends
 * them) and the recording `--sql` writes as a script (record.ts).
 */
export interface RunSink {
  runner: QueryRunner;
  dialect: Dialect;
  log: Logger;
  /** How a revision's transaction is tried, and tried again after a lost lock (lock-waits.ts). */
  attempts: Pick<MigrationLockWaits, 'retryRevision' | 'beginRevision' | 'lockWhatTheRevisionNeeds'>;
  /** The revision's transaction, and the way out of it the kit may take (run-guard.ts). */
  transactions: Pick<RunGuard, 'atomically' | 'mayContinue' | 'outside' | 'assertHeld'>;
  versions: Pick<VersionTable, 'readHeads' | 'create' | 'apply'>;
  partial: PartialRevisionNote;
  /** What else the revisions are lent: progress, a cluster's rows per transaction, offline use. */
  lent: Omit<Lent, 'transactions'>;
  /** Under the run lock, in the first transaction: the run's checks (preflight.ts) and the target they resolve. */
  prepare(): Promise<Preflight>;
  /** A revision is about to run for the first time in this run. */
  starting(step: Step, label: string): void;
}

/** What runSteps did: the version the last COMMIT left, and the revisions it committed. */
export interface StepsRun {
  current: Heads;
  applied: AppliedRevision[];
}

/**
 * Moves the database from `before` one revision at a time to the target that `sink.prepare()`
 * resolves. Each transaction reads the version again first: on SQLite, which has no run lock, that
 * is what makes two runs apply each revision once. A transaction holds one revision, or on SQLite
 * as many consecutive ones as the write-lock turns allow (mayContinue); a failure rolls all of them
 * back, so the database is at the version its last COMMIT wrote. A revision that loses to a lock is
 * rolled back and tried again after a pause (PostgreSQL, SQLite); on MySQL the statement is.
 */
export async function runSteps(sink: RunSink, chain: RevisionChain, direction: Direction, before: Heads): Promise<StepsRun> {
  const { dialect, attempts, transactions, versions, partial, log } = sink;
  /** Told when a step outside the transaction has committed the revisions before it. */
  let onOutsideCommit = () => {};
  // What the revisions are handed: the runner, and the way out of their transaction this run lends them.
  const db = migrationContext(
    sink.runner,
    {
      ...sink.lent,
      transactions: partial.transactions((work) =>
        transactions.outside(() => {
          onOutsideCommit();
          return work();
        }),
      ),
    },
    dialect,
  );
  const applied: AppliedRevision[] = [];
  let current: Heads = [];
  /** The target, resolved from the version read under the lock; undefined until then. */
  let to: string | null | undefined;
  /**
   * Under the lock, first: the version is read and alembic_version made. That is a transaction
   * of its own where revisions do not share one; on SQLite the revisions follow in it, so an
   * idle upgrade from empty commits once, as Alembic's would.
   */
  const prepare = async (): Promise<Heads> => {
    const checked = await sink.prepare();
    if (!checked.found.exists) await versions.create();
    to = checked.to;
    return checked.found.heads;
  };
  const next = (version: Heads): Step | undefined => {
    checkKnown(chain, version);
    return (direction === 'upgrade' ? upgradeSteps(chain, version, to!) : downgradeSteps(chain, version, to!))[0];
  };
  const labelOf = (step: Step) => stepLabel(direction, step);
  /** The version the last COMMIT left, which is where a failure leaves the database. */
  let committed: Heads = before;
  /** The revisions run in the open transaction so far, with when each finished its work. */
  let uncommitted: { step: Step; finished: number }[] = [];
  /** When each revision was first tried: its seconds count its lock waits and rolled-back attempts. */
  const firstTried = new Map<string, number>();
  const announced = new Set<string>();
  /** The transaction's revisions are committed: they are applied, the last one up to `end`. */
  const settle = (end: number) => {
    uncommitted.forEach(({ step, finished }, i) => {
      const until = i === uncommitted.length - 1 ? end : finished;
      applied.push({ id: step.revision.id, direction: step.direction, seconds: roundSeconds(until - firstTried.get(labelOf(step))!) });
      committed = step.after;
    });
    uncommitted = [];
  };
  onOutsideCommit = () => settle(performance.now());
  /** The revision running when an attempt failed; undefined while preparing. */
  let failing: Step | undefined;
  let begun: string | undefined;
  const outcome = () => {
    if (!failing) return 'nothing was changed';
    if (!dialect.transactionalDdl) {
      return `the database is at ${versionText(failing.before)}, with the statements of this revision that ran kept for a rerun to continue from`;
    }
    const withOthers = uncommitted.length > 0 ? `, with the ${uncommitted.length} revision(s) before it in its transaction` : '';
    return `it was rolled back${withOthers}; the database is at ${versionText(committed)}`;
  };
  /** Runs the revisions from `version` in the open transaction, as many as it may hold. */
  const runFrom = async (version: Heads): Promise<Heads> => {
    for (let step = next(version); step; step = next(version)) {
      if (uncommitted.length > 0 && !transactions.mayContinue()) break;
      transactions.assertHeld();
      failing = step;
      const label = labelOf(step);
      if (label === begun) await attempts.lockWhatTheRevisionNeeds();
      else attempts.beginRevision((begun = label));
      if (!firstTried.has(label)) firstTried.set(label, performance.now());
      if (!announced.has(label)) sink.starting(step, label);
      announced.add(label);
      const noted = (await partial.read()) === step.revision.id;
      if (noted && !partial.leftByThisRun(step.revision.id)) {
        log.warning(`${label}: an interrupted run committed part of this revision; resuming it, skipping what is done`);
      }
      await applyRevision(db, step, partial, versions, noted);
      version = step.after;
      uncommitted.push({ step, finished: performance.now() });
    }
    return version;
  };
  for (;;) {
    const first = to === undefined ? undefined : next(current);
    if (to !== undefined && !first) break;
    transactions.assertHeld();
    if (first && !firstTried.has(labelOf(first))) firstTried.set(labelOf(first), performance.now()); // before waiting for BEGIN
    current = await attempts.retryRevision(
      () => (failing ? labelOf(failing) : 'reading the version'),
      outcome,
      () => {
        failing = first;
        if (!first) to = undefined; // resolved again from what this attempt reads
        return transactions.atomically(async () => {
          uncommitted = [];
          let version: Heads;
          if (!first) {
            version = await prepare();
            if (!transactions.mayContinue()) return version;
          } else {
            const found = await versions.readHeads(); // another run may have got further
            if (!found.exists) await versions.create(); // rolled back with a failed first transaction
            version = found.heads;
          }
          committed = version; // what another run committed meanwhile counts too
          return runFrom(version);
        });
      },
    );
    settle(performance.now());
    committed = current;
  }
  return { current, applied };
}

/** Milliseconds (performance.now() differences) as seconds, rounded to the millisecond. */
function roundSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
