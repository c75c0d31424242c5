import type { QueryRunner } from 'typeorm';
import type { Dialect } from '../dialect';
import type { RevisionChain } from '../script/chain';
import type { Heads } from '../script/heads';
import { checkKnown, resolveTarget } from '../script/plan';
import { refuseUnversionedWatcherTables } from './unversioned-tables';
import { VersionTable } from './version-table';

export interface Preflight {
  /** Whether alembic_version exists, and the revisions it holds. */
  found: { exists: boolean; heads: Heads };
  /** The target, resolved from the version found. */
  to: string | null;
}

/**
 * What a run checks before it changes anything, and what `--plan` checks so that a plan is never
 * shown for a run that would not start: the version is read; an upgrade from nothing refuses a
 * database that holds Watcher's tables without a version (unless, on a backend whose DDL commits
 * at once, our own empty alembic_version beside them says an interrupted first revision is to be
 * resumed); the version must be one of the chain's, and the target must resolve from it.
 */
export async function preflight(
  runner: QueryRunner,
  dialect: Dialect,
  chain: RevisionChain,
  direction: 'upgrade' | 'downgrade',
  target: string,
): Promise<Preflight> {
  const found = await new VersionTable(runner, dialect).readHeads();
  const resuming = !dialect.transactionalDdl && found.exists;
  if (direction === 'upgrade' && found.heads.length === 0 && !resuming) await refuseUnversionedWatcherTables(runner);
  checkKnown(chain, found.heads);
  return { found, to: resolveTarget(chain, found.heads, target) };
}
