import type { QueryRunner } from 'typeorm';
import { DatabaseStateError } from '../errors';
import type { AddForeignKey } from '../operations';

/**
 * How many rows of the referencing table a new foreign key would reject: rows whose key columns are
 * all set and match no row of the target (a row with a NULL in them is not checked, as the servers
 * do it). An anti-join, read without locks. MariaDB adds a key without checking the rows when
 * foreign_key_checks = 0, the only way it adds one without blocking writes (foreign-key.ts), so the
 * kit checks them itself; on PostgreSQL it tells in one line what a failed VALIDATE found.
 */
export async function countOrphans(queryRunner: QueryRunner, op: AddForeignKey): Promise<number> {
  const q = (name: string) => queryRunner.connection.driver.escape(name);
  const key = op.foreignKey;
  const on = key.columns.map((c, i) => `p.${q(key.referencedColumns[i])} = c.${q(c)}`).join(' AND ');
  const set = key.columns.map((c) => `c.${q(c)} IS NOT NULL`).join(' AND ');
  const [row] = (await queryRunner.query(
    `SELECT COUNT(*) AS n FROM ${q(op.table)} c LEFT JOIN ${q(key.referencedTable)} p ON ${on} WHERE ${set} AND p.${q(key.referencedColumns[0])} IS NULL`,
  )) as { n: number | string }[];
  return Number(row?.n ?? 0);
}

/** The one line a foreign key that existing rows break fails with. */
export function orphansError(op: AddForeignKey, count: number, when = ''): DatabaseStateError {
  const { table } = op;
  const key = op.foreignKey;
  const rows = count === 1 ? `1 row of ${table} references` : `${count} rows of ${table} reference`;
  return new DatabaseStateError(
    `Cannot add the foreign key ${table}(${key.columns.join(', ')}) -> ${key.referencedTable}(${key.referencedColumns.join(', ')}): ` +
      `${rows} no row of ${key.referencedTable}${when}; correct or delete them, then run again`,
  );
}
