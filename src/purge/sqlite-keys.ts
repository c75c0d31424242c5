import { KINDS, REFERENCES } from './kinds';
import { Workspace } from './workspace';

/**
 * On SQLite, purge checks the foreign keys itself instead of letting SQLite do it row by row.
 *
 * SQLite checks a deleted parent's key by scanning the child table unless the referencing column is
 * indexed, and building such an index holds SQLite's only write lock (and, once its pages spill, the
 * readers' too) for as long as the build takes: 1.4 s of a service's read at 250,000 rows. Purge's
 * deletes already leave every row that another row still references (delete.ts), with one scan of
 * each child table per statement, so the per-row check adds nothing. It is switched off on purge's
 * own connection only (SQLite's foreign_keys is a per-connection setting), and only when every foreign
 * key into a purged table is one purge knows: a schema with another one keeps SQLite's checks.
 * Returns whether purge now checks them itself.
 */
export async function checkKeysOurselves(ws: Workspace): Promise<boolean> {
  if (ws.backend !== 'sqlite') return false;
  const keys = await ws.run<{ child: string; col: string; parent: string }[]>(
    `SELECT m.name AS child, f."from" AS col, f."table" AS parent FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`,
  );
  const known = new Set(REFERENCES.map((r) => `${r.child}.${r.column}>${r.parent}`));
  const purged = new Set<string>(KINDS);
  if (keys.some((k) => purged.has(k.parent) && !known.has(`${k.child}.${k.col}>${k.parent}`))) return false;
  await ws.run('PRAGMA foreign_keys = OFF');
  return true;
}
