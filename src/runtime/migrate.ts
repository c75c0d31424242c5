import { Session } from '../connection/session';
import { DEFAULT_LOCK_POLICY, LockPolicy } from '../connection/lock-policy';
import { DatabaseStateError } from '../errors';
import type { QueryRunner } from 'typeorm';
import { migrationContext } from '../portable/context';
import type { ProgressListener } from '../portable/progress';
import { rowsPerTransaction } from '../connection/galera';
import { RevisionChain } from '../script/chain';
import { checkKnown, downgradeSteps, resolveTarget, Step, stepLabel, upgradeSteps } from '../script/plan';
import { Heads, sameHeads, versionText, versionValue } from '../script/heads';
import { MigrationLockWaits } from './lock-waits';
import { applyRevision } from './apply-revision';
import { PartialRevisionNote } from './partial-revision';
import { runGuardFor, whileHolding } from './run-guard';
import { preflight } from './preflight';
import { withRunner } from './transaction';
import { VersionTable } from './version-table';

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

export interface MigrateResult {
  /** The version before and after: null at base, an id, or the ids of several branches (versionValue). */
  from: string | string[] | null;
  to: string | string[] | null;
  /** The revisions this run ran, in order; empty when the database was already at the target. */
  applied: AppliedRevision[];
}

export interface MigrateOptions {
  /** How long a statement may wait for the services' locks, and how often to try again. */
  lockPolicy?: LockPolicy;
  /** Told how far a long step of a revision has got. */
  onProgress?: ProgressListener;
  /**
   * Downgrade only: asked under the run lock, outside any write transaction, before anything is
   * changed, with the version found then and the steps that would undo it (the API counts the data
   * they would drop and asks, api/migrate.ts); false stops the run there, with nothing changed.
   */
  approveDowngrade?: (runner: QueryRunner, from: Heads, to: string | null, steps: Step[]) => Promise<boolean>;
}

/**
 * Moves the database to `target` one revision at a time. The plan is made after the run lock is
 * taken, from the version the database has then, so a run that waited for another one continues
 * from where that one stopped instead of applying its revisions again. Each transaction reads the
 * version again first: on SQLite, which has no run lock, that is what makes two runs apply each
 * revision once. A transaction holds one revision, or on SQLite as many consecutive ones as the
 * write-lock turns allow (RunGuard.mayContinue); a failure rolls all of them back, so the database
 * is at the version its last COMMIT wrote.
 *
 * Every lock wait is bounded by the lock policy (lock-waits.ts). A revision that loses to a lock is
 * rolled back and tried again after a pause (PostgreSQL, SQLite); on MySQL the statement is.
 */
export async function migrate(
  session: Session,
  chain: RevisionChain,
  direction: Direction,
  target: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const { dialect, log } = session;
  return withRunner(session, async (runner) => {
    const versions = new VersionTable(runner, dialect);
    // Bounded from the first statement: a session that holds alembic_version would otherwise keep
    // the first read waiting, unbounded and unsaid.
    const waits = new MigrationLockWaits(runner, dialect, session.dataSource, options.lockPolicy ?? DEFAULT_LOCK_POLICY, log);
    await waits.apply();
    // Validate what can be validated before locking, so a typo fails fast and changes nothing.
    const before = await waits.retryRevision('reading the version', 'nothing was changed', async () => (await versions.readHeads()).heads);
    checkKnown(chain, before);
    resolveTarget(chain, before, target);

    const guard = runGuardFor(runner, session, direction);
    return whileHolding(guard, async () => {
      const partial = new PartialRevisionNote(runner, dialect);
      /** Told when a step outside the transaction has committed the revisions before it. */
      let onOutsideCommit = () => {};
      // What the revisions are handed: the runner, and the way out of their transaction, the progress
      // listener and the cluster's write-set limit this run lends them.
      const db = migrationContext(runner, {
        transactions: partial.transactions((work) =>
          guard.outside(() => {
            onOutsideCommit();
            return work();
          }),
        ),
        onProgress: options.onProgress,
        rowsPerTransaction: session.galera && rowsPerTransaction(session.galera),
      }, dialect);
      const applied: MigrateResult['applied'] = [];
      let current: Heads = [];
      /** The target, resolved from the version read under the lock; undefined until then. */
      let to: string | null | undefined;
      /**
       * Under the lock, first: the version is read and alembic_version made. That is a transaction
       * of its own where revisions do not share one; on SQLite the revisions follow in it, so an
       * idle upgrade from empty commits once, as Alembic's would.
       */
      const prepare = async (): Promise<Heads> => {
        // Under the lock, so that tables a concurrent run just created are not taken for strangers.
        const checked = await preflight(runner, dialect, chain, direction, target);
        const found = checked.found;
        if (!found.exists) await versions.create();
        if (confirmed && !sameHeads(found.heads, confirmed.from)) {
          throw new DatabaseStateError(
            `The database moved from ${versionText(confirmed.from)} to ${versionText(found.heads)} while the downgrade was being confirmed (another run?); nothing was changed: run it again`,
          );
        }
        to = checked.to;
        return found.heads;
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
      // A downgrade that would drop data is confirmed first, under the run lock but outside any write
      // transaction (a question must not hold SQLite's write lock while someone reads it); prepare()
      // then checks that the database is still at the version the answer was about.
      let confirmed: { from: Heads } | undefined;
      if (direction === 'downgrade' && options.approveDowngrade) {
        const from = await waits.retryRevision('reading the version', 'nothing was changed', async () => (await versions.readHeads()).heads);
        checkKnown(chain, from);
        const until = resolveTarget(chain, from, target);
        if (!(await options.approveDowngrade(runner, from, until, downgradeSteps(chain, from, until)))) {
          return { from: versionValue(before), to: versionValue(from), applied: [] };
        }
        confirmed = { from };
      }
      for (;;) {
        const first = to === undefined ? undefined : next(current);
        if (to !== undefined && !first) break;
        guard.assertHeld();
        if (first && !firstTried.has(labelOf(first))) firstTried.set(labelOf(first), performance.now()); // before waiting for BEGIN
        const outcome = () => {
          if (!failing) return 'nothing was changed';
          if (!dialect.transactionalDdl) {
            return `the database is at ${versionText(failing.before)}, with the statements of this revision that ran kept for a rerun to continue from`;
          }
          const withOthers = uncommitted.length > 0 ? `, with the ${uncommitted.length} revision(s) before it in its transaction` : '';
          return `it was rolled back${withOthers}; the database is at ${versionText(committed)}`;
        };
        // Consecutive revisions share the transaction while the guard lets them (SQLite, while no
        // waiting writer is owed the lock); elsewhere each revision is one transaction.
        current = await waits.retryRevision(
          () => (failing ? labelOf(failing) : 'reading the version'),
          outcome,
          () => {
            failing = first;
            if (!first) to = undefined; // resolved again from what this attempt reads
            return guard.atomically(async () => {
              uncommitted = [];
              let version: Heads;
              if (!first) {
                version = await prepare();
                if (!guard.mayContinue()) return version;
              } else {
                const found = await versions.readHeads(); // another run may have got further
                if (!found.exists) await versions.create(); // rolled back with a failed first transaction
                version = found.heads;
              }
              committed = version; // what another run committed meanwhile counts too
              for (let step = next(version); step; step = next(version)) {
                if (uncommitted.length > 0 && !guard.mayContinue()) break;
                guard.assertHeld();
                failing = step;
                const label = labelOf(step);
                if (label === begun) await waits.lockWhatTheRevisionNeeds();
                else waits.beginRevision((begun = label));
                if (!firstTried.has(label)) firstTried.set(label, performance.now());
                if (!announced.has(label)) log.info(`Running ${label}, ${step.revision.message}`);
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
            });
          },
        );
        settle(performance.now());
        committed = current;
      }
      return { from: versionValue(before), to: versionValue(current), applied };
    });
  });
}

/** Milliseconds (performance.now() differences) as seconds, rounded to the millisecond. */
function roundSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
