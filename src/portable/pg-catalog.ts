import type { QueryRunner } from 'typeorm';

/*
 * What PostgreSQL's catalog says about an index, a constraint or a column the kit is about to
 * change, read before the online forms (CREATE INDEX CONCURRENTLY, NOT VALID then VALIDATE) so that a
 * rerun finishes or undoes what an interrupted run left: those forms commit between their steps, and
 * a kill between two of them leaves an INVALID index or a NOT VALID constraint behind. TypeORM's
 * getTable does not say whether an index is valid or a constraint validated, hence these reads.
 * Offline runners answer every read with no rows: nothing is there, every step is written out.
 */

/** An index of the current schema, by name. */
export interface PgIndex {
  table: string;
  /** False for an index that CREATE INDEX CONCURRENTLY (or a DROP INDEX CONCURRENTLY) did not finish. */
  valid: boolean;
  unique: boolean;
  columns: string[];
  /** The unique or primary key constraint the index backs, if any. */
  constraint: string | null;
}

export async function pgIndex(queryRunner: QueryRunner, name: string): Promise<PgIndex | undefined> {
  const rows = (await queryRunner.query(
    `SELECT t.relname AS "table", i.indisvalid AS "valid", i.indisunique AS "unique",
            (SELECT string_agg(a.attname, ',' ORDER BY k.n)
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS "columns",
            (SELECT c.conname FROM pg_constraint c
              WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) AS "constraint"
       FROM pg_index i
       JOIN pg_class x ON x.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
      WHERE x.relname = $1 AND x.relnamespace = current_schema()::regnamespace`,
    [name],
  )) as { table: string; valid: boolean; unique: boolean; columns: string | null; constraint: string | null }[];
  const [row] = rows;
  if (!row) return undefined;
  return { ...row, columns: row.columns ? row.columns.split(',') : [] };
}

/** A constraint of a table: its kind (pg_constraint.contype: 'f', 'u', 'c', ...) and whether it is validated. */
export interface PgConstraint {
  type: string;
  validated: boolean;
}

export async function pgConstraint(queryRunner: QueryRunner, table: string, name: string): Promise<PgConstraint | undefined> {
  const [row] = (await queryRunner.query(
    `SELECT c.contype AS "type", c.convalidated AS "validated"
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      WHERE c.conname = $1 AND t.relname = $2 AND t.relnamespace = current_schema()::regnamespace`,
    [name, table],
  )) as PgConstraint[];
  return row;
}

/** Whether the column is NOT NULL; undefined when there is no such column (or nothing to read). */
export async function pgColumnNotNull(queryRunner: QueryRunner, table: string, column: string): Promise<boolean | undefined> {
  const [row] = (await queryRunner.query(
    `SELECT a.attnotnull AS "notNull"
       FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
      WHERE t.relname = $1 AND a.attname = $2 AND NOT a.attisdropped AND t.relnamespace = current_schema()::regnamespace`,
    [table, column],
  )) as { notNull: boolean }[];
  return row?.notNull;
}

/** A foreign key of a table: its columns and the table it references. */
export interface PgForeignKey {
  name: string;
  columns: string[];
  references: string;
}

/** The foreign keys of `table` (in the current schema), in one read. */
export async function pgForeignKeys(queryRunner: QueryRunner, table: string): Promise<PgForeignKey[]> {
  const rows = (await queryRunner.query(
    `SELECT c.conname AS "name", r.relname AS "references",
            (SELECT string_agg(a.attname, ',' ORDER BY k.n)
               FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS "columns"
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
      WHERE c.contype = 'f' AND t.relname = $1 AND t.relnamespace = current_schema()::regnamespace`,
    [table],
  )) as { name: string; references: string; columns: string | null }[];
  return rows.map((r) => ({ name: r.name, references: r.references, columns: r.columns ? r.columns.split(',') : [] }));
}

/** PostgreSQL keeps the first 63 bytes of an identifier; a name the kit makes up is cut the same way, so it finds it again. */
export function pgIdentifier(name: string): string {
  let out = name;
  while (Buffer.byteLength(out, 'utf8') > 63) out = out.slice(0, -1);
  return out;
}
