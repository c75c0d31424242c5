import { REFERENCES } from './kinds';
import { Workspace } from './workspace';

/**
 * Whether the server itself enforces every foreign key into a purged table, on purge's connection:
 * then a row a service added under one being deleted makes the DELETE fail with a key violation
 * (PostgreSQL at the end of the statement, MySQL at the row), rolling back the transaction, and the
 * deletes can go without purge's own guards until that happens (delete.ts). The guards cost as much
 * again as the key checks: at a million rows, a third of the deleting time.
 *
 * - PostgreSQL: each key is a constraint whose triggers are enabled, and session_replication_role is
 *   'origin' (as 'replica' it fires no key trigger).
 * - MySQL: each key is known to InnoDB (a MyISAM table records none) and foreign_key_checks is on.
 * - SQLite: never; purge checks the keys itself there (sqlite-keys.ts).
 */
export async function serverChecksKeys(ws: Workspace): Promise<boolean> {
  if (ws.backend === 'sqlite') return false;
  const sql =
    ws.backend === 'postgres'
      ? `SELECT cr.relname AS child, a.attname AS col, pr.relname AS parent FROM pg_constraint c ` +
        `JOIN pg_class cr ON cr.oid = c.conrelid JOIN pg_class pr ON pr.oid = c.confrelid ` +
        `JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] ` +
        `WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND pg_table_is_visible(c.conrelid) ` +
        `AND current_setting('session_replication_role') = 'origin' ` +
        `AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgconstraint = c.oid AND t.tgenabled = 'D')`
      : `SELECT table_name AS child, column_name AS col, referenced_table_name AS parent FROM information_schema.key_column_usage ` +
        `WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL AND @@foreign_key_checks = 1`;
  const keys = await ws.run<{ child: string; col: string; parent: string }[]>(sql);
  const enforced = new Set(keys.map((k) => `${k.child}.${k.col}>${k.parent}`));
  return REFERENCES.every((r) => enforced.has(`${r.child}.${r.column}>${r.parent}`));
}
