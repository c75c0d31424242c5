import { Session } from '../connection/session';
import { DEFAULT_LOCK_POLICY, LockPolicy } from '../connection/lock-policy';
import { markCommittedPart, setTransactionControl } from '../portable/outside-transaction';
import { ProgressListener, setProgressListener } from '../portable/progress';
import { setRowsPerTransaction } from '../portable/transaction-size';
import { rowsPerTransaction } from '../connection/galera';
import { RevisionChain } from '../script/chain';
import { DataLoss, dataLossOf, losesData } from '../plan/dropped-data';
import { checkKnown, downgradeSteps, resolveTarget, Step, upgradeSteps } from '../script/plan';
import { MigrationLockWaits } from './lock-waits';
import { PartialRevisionNote } from './partial-revision';
import { runGuardFor, whileHolding } from './run-guard';
import { refuseUnversionedWatcherTables } from './unversioned-tables';
import { hasTransactionalDdl, withRunner } from './transaction';
import { VersionTable } from './version-table';

export type Direction = 'upgrade' | 'downgrade';

export interface AppliedRevision {
  id: string;
  direction: 'up' | 'down';
  /**
   * Wall-clock seconds of this revision, to the millisecond: from its first attempt to its commit,
   * so the lock waits and the rolled-back attempts before the one that committed are counted: that
   * is how long the run was busy with it, which is what an operator sizing a maintenance window needs.
   */
  seconds: number;
}

export interface MigrateResult {
  from: string | null;
  to: string | null;
  /** The revisions this run ran, in order; empty when the database was already at the target. */
  applied: AppliedRevision[];
}

export interface MigrateOptions {
  /** How long a statement may wait for the services' locks, and how often to try again. */
  lockPolicy?: LockPolicy;
  /** Told how far a long step of a revision has got. */
  onProgress?: ProgressListener;
  /**
   * Downgrade only: asked, before anything is changed, when the revisions would drop tables or
   * columns that hold rows, or when that cannot be told; false stops the run there, with nothing changed. Without it, nothing is
   * counted or asked (the API's behaviour before, and the reference's).
   */
  confirmDataLoss?: (loss: DataLoss) => Promise<boolean>;
}

/**
 * Moves the database to `target` one revision at a time. The plan is made after the run lock is
 * taken, from the version the database has then, so a run that waited for another one continues
 * from where that one stopped instead of applying its revisions again. Each revision reads the
 * version again inside its own transaction: on SQLite, which has no run lock, that is what makes
 * two runs apply each revision once.
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
    const before = await waits.retryRevision('reading the version', 'nothing was changed', () => versions.current());
    checkKnown(chain, before);
    resolveTarget(chain, before, target);

    const guard = runGuardFor(runner, session, direction);
    return whileHolding(guard, async () => {
      const partial = new PartialRevisionNote(runner, dialect);
      /** The revision now running, and whether its note is on alembic_version. */
      let running: { id: string; noted: boolean } | undefined;
      setTransactionControl(runner, {
        outside: async (work) => {
          if (running && !running.noted) {
            await partial.write(running.id); // committed by the step's COMMIT, with what came before it
            running.noted = true;
          }
          return guard.outside(work);
        },
      });
      setProgressListener(runner, options.onProgress);
      setRowsPerTransaction(runner, session.galera && rowsPerTransaction(session.galera));
      const applied: MigrateResult['applied'] = [];
      let current: string | null = null;
      try {
        const state = await waits.retryRevision('reading the version', 'nothing was changed', () =>
          guard.atomically(async () => {
            const found = await versions.read();
            // Under the lock, so that tables a concurrent run just created are not taken for strangers.
            // On MySQL, Watcher tables beside our own empty alembic_version are a first revision that an
            // interrupted run left half done (DDL commits at once there): the kit resumes it.
            const resuming = dialect.backend === 'mysql' && found.exists;
            if (direction === 'upgrade' && found.revision === null && !resuming) await refuseUnversionedWatcherTables(runner);
            if (!found.exists) await versions.create();
            return found;
          }),
        );
        current = state.revision;
        checkKnown(chain, current);
        const to = resolveTarget(chain, current, target);
        // Under the run lock, from the version the run starts from: what is confirmed is what runs.
        if (direction === 'downgrade' && options.confirmDataLoss) {
          const loss = { from: current, to, ...(await dataLossOf(runner, session, chain, current, downgradeSteps(chain, current, to))) };
          if (losesData(loss) && !(await options.confirmDataLoss(loss))) return { from: before, to: current, applied: [] };
        }
        let announced: Step | undefined;
        for (;;) {
          checkKnown(chain, current);
          const steps: Step[] = direction === 'upgrade' ? upgradeSteps(chain, current, to) : downgradeSteps(chain, current, to);
          const step = steps[0];
          if (!step) break;
          guard.assertHeld();
          const label = `${direction} ${step.from ?? ''} -> ${step.to ?? ''}`;
          waits.beginRevision(label);
          const outcome = hasTransactionalDdl(dialect)
            ? `it was rolled back; the database is at ${step.from ?? 'base'}`
            : `the database is at ${step.from ?? 'base'}, with the statements of this revision that ran kept for a rerun to continue from`;
          markCommittedPart(runner, false);
          const started = performance.now();
          const reached = await waits.retryRevision(label, outcome, () =>
            guard.atomically(async () => {
              const now = (await versions.read()).revision;
              if (now !== step.from) return { version: now, ran: false }; // another run got there first
              await waits.lockWhatTheRevisionNeeds();
              if (announced !== step) log.info(`Running ${label}, ${step.revision.message}`);
              announced = step;
              const noted = (await partial.read()) === step.revision.id;
              if (noted && !(running?.id === step.revision.id && running.noted)) {
                log.warning(`${label}: an interrupted run committed part of this revision; resuming it, skipping what is done`);
              }
              running = { id: step.revision.id, noted };
              if (noted) markCommittedPart(runner, true);
              await (step.direction === 'up' ? step.revision.up(runner) : step.revision.down(runner));
              if (running.noted) await partial.clear();
              await versions.write(step.from, step.to);
              return { version: step.to, ran: true };
            }),
          );
          if (reached.ran) applied.push({ id: step.revision.id, direction: step.direction, seconds: secondsSince(started) });
          current = reached.version;
        }
      } finally {
        setTransactionControl(runner, undefined);
        setProgressListener(runner, undefined);
        setRowsPerTransaction(runner, undefined);
        markCommittedPart(runner, false);
      }
      return { from: before, to: current, applied };
    });
  });
}

/** Seconds since `start` (a performance.now() reading), rounded to the millisecond. */
function secondsSince(start: number): number {
  return Math.round(performance.now() - start) / 1000;
}
