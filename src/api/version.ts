import { Session } from '../connection/session';
import { VersionTable } from '../runtime/version-table';
import { withRunner } from '../runtime/transaction';

export interface VersionResult {
  /** The revision in alembic_version; null when at base or not under version control. */
  revision: string | null;
  /** False when the database has no alembic_version table at all. */
  underVersionControl: boolean;
}

/** The database's current revision, as `watcher-db-manage version` reports it. */
export async function currentVersion(session: Session): Promise<VersionResult> {
  return withRunner(session.dataSource, async (runner) => {
    const table = new VersionTable(runner, session.dialect);
    const underVersionControl = await table.exists();
    return { revision: underVersionControl ? await table.current() : null, underVersionControl };
  });
}
