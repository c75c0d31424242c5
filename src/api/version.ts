import { SessionBase } from '../connection/session';
import { VersionTable } from '../runtime/version-table';

export interface VersionResult {
  /** The revision in alembic_version; null when at base, not under version control, or on several branches. */
  revision: string | null;
  /** Every revision in alembic_version, sorted: several while the database is on separate branches. */
  heads: string[];
  /** False when the database has no alembic_version table at all. */
  underVersionControl: boolean;
}

/**
 * The database's current revision, as `watcher-db-manage version` reports it. Takes any session,
 * including a bare driver connection (withDriverSession), which is how the CLI calls it.
 */
export async function currentVersion(session: SessionBase): Promise<VersionResult> {
  const { exists, heads } = await new VersionTable(session.sql, session.dialect).readHeads();
  return { revision: heads.length === 1 ? heads[0] : null, heads: [...heads], underVersionControl: exists };
}
