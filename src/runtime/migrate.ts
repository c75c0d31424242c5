import { Session } from '../connection/session';
import { RevisionChain } from '../script/chain';
import { checkKnown, downgradeSteps, resolveTarget, Step, upgradeSteps } from '../script/plan';
import { runGuardFor } from './run-guard';
import { refuseUnversionedWatcherTables } from './unversioned-tables';
import { withRunner } from './transaction';
import { VersionTable } from './version-table';

export type Direction = 'upgrade' | 'downgrade';

export interface MigrateResult {
  from: string | null;
  to: string | null;
  applied: { id: string; direction: 'up' | 'down' }[];
}

/**
 * Moves the database to `target` one revision at a time. The plan is made after the run lock is
 * taken, from the version the database has then, so a run that waited for another one continues
 * from where that one stopped instead of applying its revisions again.
 */
export async function migrate(session: Session, chain: RevisionChain, direction: Direction, target: string): Promise<MigrateResult> {
  const { dialect, log } = session;
  return withRunner(session.dataSource, async (runner) => {
    const versions = new VersionTable(runner, dialect);
    // Validate what can be validated before locking, so a typo fails fast and changes nothing.
    const before = await versions.current();
    checkKnown(chain, before);
    resolveTarget(chain, before, target);

    const guard = runGuardFor(runner, dialect, log);
    await guard.acquire();
    const applied: MigrateResult['applied'] = [];
    let current: string | null = null;
    try {
      const state = await versions.read();
      current = state.revision;
      // Under the lock, so that tables a concurrent run just created are not taken for strangers.
      // On MySQL, Watcher tables beside our own empty alembic_version are a first revision that an
      // interrupted run left half done (DDL commits at once there): the kit resumes it.
      const resuming = dialect.backend === 'mysql' && state.exists;
      if (direction === 'upgrade' && current === null && !resuming) await refuseUnversionedWatcherTables(runner);
      if (!state.exists) await guard.atomically(() => versions.create());
      checkKnown(chain, current);
      const to = resolveTarget(chain, current, target);
      const steps: Step[] = direction === 'upgrade' ? upgradeSteps(chain, current, to) : downgradeSteps(chain, current, to);
      for (const step of steps) {
        log.info(`Running ${direction} ${step.from ?? ''} -> ${step.to ?? ''}, ${step.revision.message}`);
        await guard.atomically(async () => {
          await (step.direction === 'up' ? step.revision.up(runner) : step.revision.down(runner));
          await versions.write(step.from, step.to);
        });
        current = step.to;
        applied.push({ id: step.revision.id, direction: step.direction });
      }
    } catch (error) {
      // What made the run fail is what the operator must read. Releasing can fail too, for the same
      // cause: a dropped connection, or SQLite rolling the whole transaction back when the disk is
      // full (its COMMIT then says "no transaction is active"). Lock and transaction end with the
      // connection anyway.
      await guard.release().catch(() => undefined);
      throw error;
    }
    await guard.release();
    return { from: before, to: current, applied };
  });
}
