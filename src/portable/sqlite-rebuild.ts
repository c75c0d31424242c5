import type { QueryRunner, Table } from 'typeorm';
import { typeorm } from './typeorm-classes';
import { freshTable } from './fresh-table';
import { dialectFor } from '../dialect';

/*
 * SQLite has no ALTER COLUMN: TypeORM changes a column by rebuilding the table (create
 * temporary_<t>, copy the rows, drop <t>, rename, recreate its indexes), which keeps the rows, the
 * ids, the keys and the indexes. Two things need care around it.
 */

/**
 * The table to hand to TypeORM's rebuild, read back from the database and put in the form it was
 * created in, so that the rebuilt CREATE TABLE reads like the other tables:
 * - TypeORM reads the declared types back lower-cased: we restore SQLAlchemy's upper case;
 * - it reads the foreign keys back in SQLite's internal order (last declared first) and with
 *   `ON DELETE NO ACTION ON UPDATE NO ACTION` spelled out: we restore the declaration order (the
 *   order of their names in the table's SQL) and drop the clauses that only restate the default.
 */
export async function sqliteTableForRebuild(queryRunner: QueryRunner, name: string): Promise<Table> {
  const table = await freshTable(queryRunner, name);
  for (const column of table.columns) column.type = column.type.toUpperCase();
  const [{ sql }] = (await queryRunner.query(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, [name])) as {
    sql: string;
  }[];
  // TypeORM finds constraint names only where they are double-quoted, as it writes them; on a table
  // SQLAlchemy wrote (the reference's, or our create_schema's) it invents hashed ones. Take the
  // names from the SQL itself, and give unnamed foreign keys the kit's stable name.
  const uniques = declaredUniques(sql);
  for (const unique of table.uniques) {
    const declared = uniques.find((u) => u.columns.join(',') === unique.columnNames.join(','));
    if (declared) unique.name = declared.name;
  }
  // SQLite gives a UNIQUE on the primary key's columns no index of its own, so TypeORM does not see
  // it (uniq_apscheduler_jobs0id): keep it, or the rebuild would drop it.
  for (const declared of uniques) {
    if (!table.uniques.some((u) => u.name === declared.name)) table.uniques.push(new (typeorm().TableUnique)({ name: declared.name, columnNames: declared.columns }));
  }
  // In declaration order, as the foreign keys below (TypeORM reads them back in index order).
  const uniquePosition = (name: string | undefined) => {
    const i = uniques.findIndex((u) => u.name === name);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  table.uniques.sort((a, b) => uniquePosition(a.name) - uniquePosition(b.name));
  table.foreignKeys.sort((a, b) => foreignKeyPosition(sql, a.columnNames) - foreignKeyPosition(sql, b.columnNames));
  table.foreignKeys.forEach((fk, i) => {
    if (!fk.name || !new RegExp(`CONSTRAINT\\s+"?${escapeRegExp(fk.name)}"?\\s+FOREIGN`, 'i').test(sql)) {
      fk.name = dialectFor('sqlite').foreignKeyName(name, fk.columnNames, i + 1);
    }
    if (fk.onDelete === 'NO ACTION') fk.onDelete = undefined;
    if (fk.onUpdate === 'NO ACTION') fk.onUpdate = undefined;
  });
  return table;
}

const IDENT = '"?([A-Za-z_][A-Za-z0-9_]*)"?';

/** `CONSTRAINT name UNIQUE (a, b)` clauses of a CREATE TABLE, quoted or not. */
export function declaredUniques(sql: string): { name: string; columns: string[] }[] {
  const found: { name: string; columns: string[] }[] = [];
  const pattern = new RegExp(`CONSTRAINT\\s+${IDENT}\\s+UNIQUE\\s*\\(([^)]*)\\)`, 'gi');
  for (const m of sql.matchAll(pattern)) {
    found.push({ name: m[1], columns: m[2].split(',').map((c) => c.trim().replace(/^"|"$/g, '')) });
  }
  return found;
}

/** Where a table's SQL declares the foreign key on `columns`, to keep declaration order. */
function foreignKeyPosition(sql: string, columns: string[]): number {
  const cols = columns.map((c) => `"?${escapeRegExp(c)}"?`).join('\\s*,\\s*');
  const m = new RegExp(`FOREIGN\\s+KEY\\s*\\(\\s*${cols}\\s*\\)`, 'i').exec(sql);
  return m ? m.index : Number.MAX_SAFE_INTEGER;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs a rebuild of `tableName` so that enforced foreign keys cannot break it. Dropping the old table
 * deletes its rows first when foreign keys are enforced, and that fails as soon as another table's
 * row references one of them, even though the copy keeps every id. The cure (SQLite's documented
 * procedure, and what TypeORM's own migration runner does) is `PRAGMA foreign_keys = OFF`, which
 * SQLite ignores inside a transaction:
 * - when it takes effect (no transaction open) we switch enforcement off around the rebuild;
 * - inside one, the runner had to switch it off before BEGIN; if it did not and rows do reference
 *   the table, we stop with a message that says so instead of SQLite's bare "FOREIGN KEY constraint
 *   failed". With no referencing rows the rebuild is safe either way.
 */
export async function withSqliteForeignKeysOff<T>(
  queryRunner: QueryRunner,
  tableName: string,
  rebuild: () => Promise<T>,
): Promise<T> {
  if (!(await foreignKeysEnforced(queryRunner))) return rebuild();
  // The pragma is a no-op inside a transaction, including one the runner opened with a plain BEGIN
  // that TypeORM's isTransactionActive does not know about: so we look at what it did.
  await queryRunner.query('PRAGMA foreign_keys = OFF');
  if (!(await foreignKeysEnforced(queryRunner))) {
    try {
      return await rebuild();
    } finally {
      await queryRunner.query('PRAGMA foreign_keys = ON');
    }
  }
  const referencing = await referencingTablesWithRows(queryRunner, tableName);
  if (referencing.length > 0) {
    throw new Error(
      `SQLite must rebuild table "${tableName}", which rows of ${referencing.join(', ')} reference, ` +
        'but foreign keys are enforced inside this transaction: run the migration with ' +
        '"PRAGMA foreign_keys = OFF" set before the transaction starts (queryRunner.beforeMigration() does).',
    );
  }
  return rebuild();
}

async function foreignKeysEnforced(queryRunner: QueryRunner): Promise<boolean> {
  const [row] = (await queryRunner.query('PRAGMA foreign_keys')) as { foreign_keys: number }[];
  return Number(row?.foreign_keys) === 1;
}

async function referencingTablesWithRows(queryRunner: QueryRunner, tableName: string): Promise<string[]> {
  const rows = (await queryRunner.query(
    `SELECT DISTINCT m.name AS name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
      WHERE m.type = 'table' AND f."table" = ?`,
    [tableName],
  )) as { name: string }[];
  const found: string[] = [];
  for (const { name } of rows) {
    const any = (await queryRunner.query(`SELECT 1 FROM ${queryRunner.connection.driver.escape(name)} LIMIT 1`)) as unknown[];
    if (any.length > 0) found.push(name);
  }
  return found;
}
