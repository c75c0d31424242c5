import { Session } from '../connection/session';
import { DEFAULT_LOCK_POLICY, LockPolicy } from '../connection/lock-policy';
import { DatabaseStateError } from '../errors';
import type { QueryRunner } from 'typeorm';
import type { ProgressListener } from '../portable/progress';
import { rowsPerTransaction } from '../connection/galera';
import { RevisionChain } from '../script/chain';
import { checkKnown, resolveTarget } from '../script/plan';
import { Heads, sameHeads, versionText, versionValue } from '../script/heads';
import { MigrationLockWaits } from './lock-waits';
import { PartialRevisionNote } from './partial-revision';
import { runGuardFor, whileHolding } from './run-guard';
import { preflight } from './preflight';
import { AppliedRevision, Direction, runSteps } from './run-steps';
import { withRunner } from './transaction';
import { VersionTable } from './version-table';

export type { AppliedRevision, Direction } from './run-steps';

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
   * changed, with the version found then and the target resolved from it (the API counts the data
   * the steps between them would drop and asks, api/migrate.ts); false stops the run there, with
   * nothing changed.
   */
  approveDowngrade?: (runner: QueryRunner, from: Heads, to: string | null) => Promise<boolean>;
}

/**
 * Moves the database to `target` one revision at a time, through the one loop of run-steps.ts with
 * the server as its sink. The plan is made after the run lock is taken, from the version the
 * database has then, so a run that waited for another one continues from where that one stopped
 * instead of applying its revisions again. Every lock wait is bounded by the lock policy
 * (lock-waits.ts).
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
    const readVersion = () => waits.retryRevision('reading the version', 'nothing was changed', async () => (await versions.readHeads()).heads);
    const before = await readVersion();
    checkKnown(chain, before);
    resolveTarget(chain, before, target);

    const guard = runGuardFor(runner, session, direction);
    return whileHolding(guard, async () => {
      // A downgrade that would drop data is confirmed first, under the run lock but outside any write
      // transaction (a question must not hold SQLite's write lock while someone reads it); prepare()
      // then checks that the database is still at the version the answer was about.
      let confirmed: { from: Heads } | undefined;
      if (direction === 'downgrade' && options.approveDowngrade) {
        const from = await readVersion();
        checkKnown(chain, from);
        const until = resolveTarget(chain, from, target);
        if (!(await options.approveDowngrade(runner, from, until))) {
          return { from: versionValue(before), to: versionValue(from), applied: [] };
        }
        confirmed = { from };
      }
      const run = await runSteps(
        {
          runner,
          dialect,
          log,
          attempts: waits,
          transactions: guard,
          versions,
          partial: new PartialRevisionNote(runner, dialect),
          lent: { onProgress: options.onProgress, rowsPerTransaction: session.galera && rowsPerTransaction(session.galera) },
          prepare: async () => {
            // Under the lock, so that tables a concurrent run just created are not taken for strangers.
            const checked = await preflight(runner, dialect, chain, direction, target);
            if (confirmed && !sameHeads(checked.found.heads, confirmed.from)) {
              throw new DatabaseStateError(
                `The database moved from ${versionText(confirmed.from)} to ${versionText(checked.found.heads)} while the downgrade was being confirmed (another run?); nothing was changed: run it again`,
              );
            }
            return checked;
          },
          starting: (step, label) => log.info(`Running ${label}, ${step.revision.message}`),
        },
        chain,
        direction,
        before,
      );
      return { from: versionValue(before), to: versionValue(run.current), applied: run.applied };
    });
  });
}
