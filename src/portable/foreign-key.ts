import type { QueryRunner, Table, TableForeignKey } from 'typeorm';
import { typeorm } from './typeorm-classes';
import { dialectOf } from './backend';
import { withTableChange } from './cached-change';
import { createIndex, dropIndex } from './create-index';
import { freshTable } from './fresh-table';
import { alterTableOnline, withOnlineAlters } from './mysql-algorithm';
import { foreignKeyIndexName } from './names';
import { isOffline } from './offline';
import { countOrphans, KeyColumns, orphansError } from './orphans';
import { canRunOutsideTransaction, outsideTransaction } from './outside-transaction';
import { pgConstraint } from './pg-catalog';
import { resumable } from './resumable';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';
import type { ForeignKeyDef } from './table';

/**
 * `op.create_foreign_key(None, table, referred, columns, referred_columns)`: an unnamed key, under
 * the name the server would give it (see names.ts), so later revisions can find it:
 * - PostgreSQL `<table>_<column>_fkey`. A plain ADD FOREIGN KEY checks every row while it holds
 *   SHARE ROW EXCLUSIVE on both tables, blocking writes to either; outside the revision's
 *   transaction it is added `NOT VALID` (new rows checked from then on, a moment's lock) and checked
 *   by `VALIDATE CONSTRAINT` in a transaction of its own, which lets writes go on. Inside a
 *   transaction the runtime lent no way out of, the plain ADD FOREIGN KEY.
 * - MySQL `<table>_ibfk_<n>`, n one above the highest the table has, with its index named after the
 *   first column created first when no index starts with the key's columns (what MySQL does for an
 *   unnamed key). MariaDB adds a key without blocking writes only with foreign_key_checks = 0, and
 *   then does not look at the rows at all: so the kit counts the rows the key would reject itself
 *   first (and fails in one line if there are any), adds the key that way, and counts again for rows
 *   written meanwhile. Offline, the plain statement, which the server checks.
 * - SQLite cannot add a constraint: the table is rebuilt with it.
 * A key already added by an interrupted run of this revision is not added twice (resumable.ts).
 */
export async function addForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
  const dialect = dialectOf(queryRunner);
  const backend = dialect.backend;
  const target = targetOf(def);
  const key = (name: string) =>
    new (typeorm().TableForeignKey)({ name, columnNames: def.columns, referencedTableName: target.table, referencedColumnNames: target.columns });
  const cache = (name: string) => (t: Table) => {
    if (!t.foreignKeys.some((k) => k.name === name)) t.addForeignKey(key(name));
  };
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
      queryRunner.createForeignKey(await sqliteTableForRebuild(queryRunner, tableName), key(dialect.foreignKeyName(tableName, def.columns, 1))),
    );
    return;
  }
  const columns: KeyColumns = { table: tableName, columns: def.columns, target };
  const current = await freshTable(queryRunner, tableName);
  if (backend === 'mysql') {
    if (resumable(queryRunner) && current.foreignKeys.some(matching(def))) return;
    const name = dialect.foreignKeyName(tableName, def.columns, highestOrdinal(current) + 1);
    if (!hasIndexFor(current, def.columns)) await createIndex(queryRunner, tableName, { name: foreignKeyIndexName(def.columns), columns: def.columns });
    if (isOffline(queryRunner)) {
      await withTableChange(queryRunner, tableName, (t) => queryRunner.createForeignKey(t, key(name)), cache(name));
      return;
    }
    await withTableChange(queryRunner, tableName, () => addMysqlKeyUnchecked(queryRunner, columns, name), cache(name));
    return;
  }
  const name = dialect.foreignKeyName(tableName, def.columns, 1);
  if (!canRunOutsideTransaction(queryRunner)) {
    await withTableChange(queryRunner, tableName, (t) => queryRunner.createForeignKey(t, key(name)), cache(name));
    return;
  }
  await withTableChange(queryRunner, tableName, () => outsideTransaction(queryRunner, () => addPostgresKeyNotValid(queryRunner, columns, name)), cache(name));
}

function referencesSql(queryRunner: QueryRunner, key: KeyColumns): string {
  const q = (n: string) => queryRunner.connection.driver.escape(n);
  return `FOREIGN KEY (${key.columns.map(q).join(', ')}) REFERENCES ${q(key.target.table)} (${key.target.columns.map(q).join(', ')})`;
}

/** MySQL: see addForeignKey. foreign_key_checks is the session's, put back as it was. */
async function addMysqlKeyUnchecked(queryRunner: QueryRunner, key: KeyColumns, name: string): Promise<void> {
  const q = (n: string) => queryRunner.connection.driver.escape(n);
  const before = await countOrphans(queryRunner, key);
  if (before > 0) throw orphansError(key, before);
  const [{ checks }] = (await queryRunner.query('SELECT @@SESSION.foreign_key_checks AS checks')) as { checks: number | string }[];
  await queryRunner.query('SET SESSION foreign_key_checks = 0');
  try {
    await alterTableOnline(queryRunner, `ALTER TABLE ${q(key.table)} ADD CONSTRAINT ${q(name)} ${referencesSql(queryRunner, key)}`);
  } finally {
    await queryRunner.query(`SET SESSION foreign_key_checks = ${Number(checks) === 0 ? 0 : 1}`);
  }
  // Rows written (or parents deleted) between the count and the key: the key now stops new ones, and
  // must not stay over old ones.
  const after = await countOrphans(queryRunner, key);
  if (after > 0) {
    await alterTableOnline(queryRunner, `ALTER TABLE ${q(key.table)} DROP FOREIGN KEY ${q(name)}`);
    throw orphansError(key, after, ' (written while the key was being added)');
  }
}

/**
 * PostgreSQL, outside any transaction: ADD ... NOT VALID, then VALIDATE CONSTRAINT, each committed by
 * itself. A rerun validates a NOT VALID key an interrupted run left. When the rows break the key, the
 * NOT VALID key (which would go on checking new rows) is dropped again and the count of those rows is
 * the error.
 */
async function addPostgresKeyNotValid(queryRunner: QueryRunner, key: KeyColumns, name: string): Promise<void> {
  const q = (n: string) => queryRunner.connection.driver.escape(n);
  const found = await pgConstraint(queryRunner, key.table, name);
  if (found?.type === 'f' && found.validated && resumable(queryRunner)) return;
  // A validated key, when this is no rerun, is added again so that the server says it exists, as for the plain form.
  if (!found || found.type !== 'f' || found.validated) {
    await queryRunner.query(`ALTER TABLE ${q(key.table)} ADD CONSTRAINT ${q(name)} ${referencesSql(queryRunner, key)} NOT VALID`);
  }
  try {
    await queryRunner.query(`ALTER TABLE ${q(key.table)} VALIDATE CONSTRAINT ${q(name)}`);
  } catch (error) {
    await queryRunner.query(`ALTER TABLE ${q(key.table)} DROP CONSTRAINT IF EXISTS ${q(name)}`).catch(() => undefined);
    if ((error as { code?: string }).code === '23503') throw orphansError(key, await countOrphans(queryRunner, key));
    throw error;
  }
}

/** A key on the same columns to the same target (TypeORM reads key columns back in no particular order). */
function matching(def: ForeignKeyDef): (fk: TableForeignKey) => boolean {
  const target = targetOf(def);
  const pairs = (columns: string[], referenced: string[]) => columns.map((c, i) => `${c}>${referenced[i]}`).sort().join(',');
  const wanted = pairs(def.columns, target.columns);
  return (fk) => fk.referencedTableName.split('.').pop() === target.table && pairs(fk.columnNames, fk.referencedColumnNames) === wanted;
}

/**
 * `op.drop_constraint(name, table, type_='foreignkey')`, the key found by its columns and target
 * since its name depends on the backend. On MySQL the index MySQL made for the key (named after its
 * first column) goes with it, as addForeignKey made it.
 */
export async function dropForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
  const dialect = dialectOf(queryRunner);
  const backend = dialect.backend;
  const matches = matching(def);
  const missing = () => new Error(`Table "${tableName}" has no foreign key (${def.columns.join(', ')}) -> ${def.references.join(', ')}`);
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const fk = table.foreignKeys.find(matches);
      if (!fk) throw missing();
      await queryRunner.dropForeignKey(table, fk);
    });
    return;
  }
  const fk = (await freshTable(queryRunner, tableName)).foreignKeys.find(matches);
  // Dropped by an interrupted run of this revision (see resumable.ts); its index may still be there.
  if (!fk && !resumable(queryRunner)) throw missing();
  if (fk) {
    // MySQL: DROP FOREIGN KEY is INSTANT (mysql-algorithm.ts); PostgreSQL drops it at once.
    await withOnlineAlters(queryRunner, () =>
      withTableChange(
        queryRunner,
        tableName,
        (t) => queryRunner.dropForeignKey(t, fk.name as string),
        (t) => t.removeForeignKey(t.foreignKeys.find((k) => k.name === fk.name) as TableForeignKey),
      ),
    );
  }
  if (backend === 'mysql') {
    const table = await freshTable(queryRunner, tableName);
    const indexName = foreignKeyIndexName(def.columns);
    const index = table.indices.find((i) => i.name === indexName && !i.isUnique && i.columnNames.join(',') === def.columns.join(','));
    const stillNeeded = table.foreignKeys.some((k) => k.columnNames.join(',') === def.columns.join(','));
    if (index && !stillNeeded) await dropIndex(queryRunner, tableName, indexName);
  }
}

function targetOf(def: ForeignKeyDef): { table: string; columns: string[] } {
  const parts = def.references.map((ref) => {
    const dot = ref.lastIndexOf('.');
    if (dot <= 0) throw new Error(`Foreign key target "${ref}" is not of the form table.column`);
    return { table: ref.slice(0, dot), column: ref.slice(dot + 1) };
  });
  return { table: parts[0].table, columns: parts.map((p) => p.column) };
}

/** The highest n among the table's `<table>_ibfk_<n>` keys; MySQL numbers a new unnamed key n + 1. */
function highestOrdinal(table: Table): number {
  const prefix = `${table.name}_ibfk_`;
  return Math.max(0, ...table.foreignKeys.map((fk) => (fk.name?.startsWith(prefix) ? Number(fk.name.slice(prefix.length)) || 0 : 0)));
}

/** Whether an index (or the primary key) already starts with `columns`, which MySQL then uses for the key. */
function hasIndexFor(table: Table, columns: string[]): boolean {
  const starts = (cols: string[]) => columns.every((c, i) => cols[i] === c);
  return starts(table.primaryColumns.map((c) => c.name)) || table.indices.some((i) => starts(i.columnNames));
}
