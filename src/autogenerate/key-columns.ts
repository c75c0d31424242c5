import type { QueryRunner } from 'typeorm';
import type { Backend } from '../dialect/backend';

/** A key's columns in key order, and for a foreign key the referenced columns in the same order. */
export interface KeyColumns {
  columns: string[];
  referencedColumns: string[];
}

/**
 * The column order of every key and index, by `<kind>:<table>.<key name>` (kind `f` for foreign keys,
 * `k` for unique keys and indexes: MySQL may give a foreign key and its index one name). TypeORM's getTables() reads key
 * columns without ordering them (PostgreSQL's come back sorted by name: `uniq_goals0name` as
 * (deleted, name)), and the order is part of the key: it decides which queries the index serves, and
 * recreating a key must keep it. The catalogs know the order.
 */
export async function keyColumnOrder(queryRunner: QueryRunner, backend: Backend): Promise<Map<string, KeyColumns>> {
  const sql = QUERIES[backend];
  if (!sql) return new Map();
  const rows = (await queryRunner.query(sql)) as { kind: string; tbl: string; name: string; col: string; ref: string | null }[];
  const keys = new Map<string, KeyColumns>();
  for (const row of rows) {
    const id = `${row.kind}:${row.tbl}.${row.name}`;
    const key = keys.get(id) ?? { columns: [], referencedColumns: [] };
    key.columns.push(row.col);
    if (row.ref) key.referencedColumns.push(row.ref);
    keys.set(id, key);
  }
  return keys;
}

export function keyId(kind: 'f' | 'k', table: string, name: string | undefined): string {
  return `${kind}:${table}.${name ?? ''}`;
}

/** Rows (kind, tbl, name, col, ref) in key order; SQLite's PRAGMAs already list columns in order. */
const QUERIES: Record<Backend, string | undefined> = {
  postgres: `
    SELECT CASE c.contype WHEN 'f' THEN 'f' ELSE 'k' END AS kind, t.relname AS tbl, c.conname AS name,
           a.attname AS col, ra.attname AS ref, k.ord AS ord
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
      CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
      LEFT JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refnum
     WHERE c.contype IN ('u', 'f', 'p')
    UNION ALL
    SELECT 'k', t.relname, ic.relname, a.attname, NULL, k.ord
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = t.oid)
    ORDER BY 2, 3, 1, 6`,
  mysql: `
    SELECT 'k' AS kind, TABLE_NAME AS tbl, INDEX_NAME AS name, COLUMN_NAME AS col, NULL AS ref, SEQ_IN_INDEX AS ord
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
    UNION ALL
    SELECT 'f', TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME, ORDINAL_POSITION
      FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
    ORDER BY 2, 3, 1, 6`,
  sqlite: undefined,
};
