import type { QueryRunner } from 'typeorm';
import type { Backend } from '../dialect/backend';
import { ServerDefault, sqlText } from '../schema/server-default';
import { canonicalExpression, defaultOfSql } from '../schema/column-default';

/**
 * Every column's server default in the connection's own schema, keyed `table.column`, read from the
 * catalogs rather than from TypeORM's getTables(), which on MariaDB quotes COLUMN_DEFAULT once more
 * (`''a''`) and turns "no default" into the string 'NULL'.
 * - PostgreSQL: information_schema.columns.column_default, SQL text with casts.
 * - MariaDB (10.2.7+): COLUMN_DEFAULT is SQL text: literals quoted, NULL for none, expressions as
 *   written. MySQL 8 gives the bare value instead, and marks expressions DEFAULT_GENERATED.
 * - SQLite: pragma_table_info's dflt_value, the text of the DEFAULT clause.
 * A value is in SQL terms here; describe.ts puts it in its column type's terms.
 */
export async function liveDefaults(queryRunner: QueryRunner, backend: Backend): Promise<Map<string, ServerDefault | undefined>> {
  const found = new Map<string, ServerDefault | undefined>();
  if (backend === 'postgres') {
    const rows = (await queryRunner.query(
      'SELECT table_name AS t, column_name AS c, column_default AS d FROM information_schema.columns WHERE table_schema = current_schema()',
    )) as { t: string; c: string; d: string | null }[];
    for (const r of rows) found.set(`${r.t}.${r.c}`, defaultOfSql(r.d));
  } else if (backend === 'mysql') {
    const [{ v }] = (await queryRunner.query('SELECT VERSION() AS v')) as { v: string }[];
    const mariadb = /mariadb/i.test(v);
    const rows = (await queryRunner.query(
      'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_DEFAULT AS d, EXTRA AS e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
    )) as { t: string; c: string; d: string | Buffer | null; e: string | null }[];
    for (const r of rows) {
      const d = r.d === null ? null : String(r.d);
      const value = mariadb || d === null ? defaultOfSql(d) : /DEFAULT_GENERATED/i.test(r.e ?? '') ? sqlText(canonicalExpression(d)) : d;
      found.set(`${r.t}.${r.c}`, value);
    }
  } else {
    const rows = (await queryRunner.query(
      `SELECT m.name AS t, p.name AS c, p.dflt_value AS d FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'`,
    )) as { t: string; c: string; d: string | null }[];
    for (const r of rows) found.set(`${r.t}.${r.c}`, defaultOfSql(r.d));
  }
  return found;
}
