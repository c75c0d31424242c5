import { SessionBase } from '../connection/session';
import { VersionTable } from '../runtime/version-table';

export interface VersionResult {
  /** The revision in alembic_version; null when at base or not under version control. */
  revision: string | null;
  /** False when the database has no alembic_version table at all. */
  underVersionControl: boolean;
}

/**
 * The database's current revision, as `watcher-db-manage version` reports it. Takes any session,
 * including a bare driver connection (withDriverSession), which is how the CLI calls it.
 */
export async function currentVersion(session: SessionBase): Promise<VersionResult> {
  const { exists, revision } = await new VersionTable(session.sql, session.dialect).read();
  return { revision, underVersionControl: exists };
}
