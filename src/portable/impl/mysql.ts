import type { Table, TableIndex } from 'typeorm';
import { AddForeignKey, AddIndex, AddUnique, DropForeignKey, DropIndex, DropTable, DropUnique } from '../../operations';
import type { MigrationContext } from '../context';
import type { TableModel } from '../../schema/model';
import { addsIndex, dropsIndex, tableIndexOf, withTableChange } from '../cached-change';
import { matchingForeignKey, referencesSql, typeormForeignKey } from '../foreign-key';
import { cachedTable, freshTable } from '../fresh-table';
import { alterTableOnline } from '../mysql-algorithm';
import { foreignKeyIndexName } from '../names';
import { noteInScript, writesScript } from '../offline';
import { countOrphans, orphansError } from '../orphans';
import { resumable } from '../resumable';
import type { UniqueMatch } from './kit-impl';
import { ServerKit } from './server';

/**
 * MySQL and MariaDB. Every ALTER TABLE the kit writes is asked for the least blocking algorithm the
 * server accepts (mysql-algorithm.ts). DDL commits at once, so a rerun of an interrupted revision
 * finds part of it done and skips it (resumable.ts). Unique keys are unique indexes, and a foreign
 * key needs an index on its columns, which the kit makes under the name the reference's server gives.
 */
class MysqlKit extends ServerKit {
  protected async alter(db: MigrationContext, statement: string): Promise<void> {
    await alterTableOnline(db, statement);
  }

  /**
   * `MODIFY c T [NOT] NULL`, which restates the whole column, hence `nullable`. Most type changes
   * copy the table (reads go on, writes wait); a varchar widened within the same side of 255 bytes
   * is INSTANT (mysql-algorithm.ts).
   */
  protected async changeType(db: MigrationContext, table: string, column: string, fullType: string, nullable: boolean): Promise<void> {
    await alterTableOnline(db, `ALTER TABLE ${table} MODIFY ${column} ${fullType}${nullable ? ' NULL' : ' NOT NULL'}`);
  }

  async createIndex(db: MigrationContext, op: AddIndex): Promise<void> {
    const q = (name: string) => db.runner.connection.driver.escape(name);
    const { name, columns, unique } = op.index;
    // Made by an interrupted run of this revision (see resumable.ts).
    if (resumable(db) && (await freshTable(db.runner, op.table)).indices.some((i) => i.name === name)) return;
    return withTableChange(
      db.runner,
      op.table,
      async () => {
        await alterTableOnline(db, `ALTER TABLE ${q(op.table)} ADD ${unique ? 'UNIQUE ' : ''}INDEX ${q(name)} (${columns.map(q).join(', ')})`);
      },
      addsIndex(op.index),
    );
  }

  protected async removeIndex(db: MigrationContext, tableName: string, name: string): Promise<void> {
    const q = (n: string) => db.runner.connection.driver.escape(n);
    return withTableChange(
      db.runner,
      tableName,
      async () => {
        await alterTableOnline(db, `ALTER TABLE ${q(tableName)} DROP INDEX ${q(name)}`);
      },
      dropsIndex(name),
    );
  }

  /** A unique key is a unique index here, and needs a name. */
  async addUnique(db: MigrationContext, op: AddUnique): Promise<void> {
    const { name, columns } = op.unique;
    if (!name) throw new Error(`A unique key on ${op.table} needs a name on MySQL`);
    return this.createIndex(db, new AddIndex(op.table, { name, columns, unique: true }));
  }

  protected async removeUnique(db: MigrationContext, op: DropUnique, matches: UniqueMatch): Promise<void> {
    const index = (await freshTable(db.runner, op.table)).indices.find((i) => i.isUnique && matches(i));
    if (!index?.name) throw new Error(`Table "${op.table}" has no unique key ${op.unique.name ?? ''} on (${op.unique.columns.join(', ')})`);
    return this.dropIndex(db, new DropIndex(op.table, index.name));
  }

  /**
   * Unnamed, as the reference adds it: the server names it `<table>_ibfk_<n>` (n one above the
   * table's highest) and uses the index the columns already have. (Named, it would take over an
   * index the server made for a key dropped before, renaming it after itself, which the reference's
   * unnamed key leaves alone.) Where no index starts with the columns, the kit makes the one MySQL
   * would, named after the first column. Added INSTANT with foreign_key_checks off, after a count of
   * the rows that would break it (addMysqlKeyUnchecked).
   */
  async addForeignKey(db: MigrationContext, op: AddForeignKey): Promise<void> {
    const { columns } = op.foreignKey;
    const current = await freshTable(db.runner, op.table);
    if (resumable(db) && current.foreignKeys.some(matchingForeignKey(op.foreignKey))) return;
    if (!hasIndexFor(current, columns)) await this.createIndex(db, new AddIndex(op.table, { name: foreignKeyIndexName(columns), columns, unique: false }));
    // The runner's table cache learns it under the name the server gives it.
    const cache = typeormForeignKey(op.foreignKey).cache(db.dialect.foreignKeyName(op.table, columns, highestOrdinal(current) + 1));
    const add = `ALTER TABLE ${db.runner.connection.driver.escape(op.table)} ADD ${referencesSql(db, op)}`;
    if (writesScript(db)) {
      await noteInScript(db, SCRIPT_KEY);
      await withTableChange(db.runner, op.table, async () => void (await db.runner.query(add)), cache);
      return;
    }
    await withTableChange(db.runner, op.table, () => addMysqlKeyUnchecked(db, op, add), cache);
  }

  /**
   * A new table as the server holds it, in TypeORM's terms: MySQL has no unique constraints, each is
   * a unique index (TypeORM's own CREATE TABLE adds them to the table's indexes, and removeUnique
   * looks there); and a foreign key no index starts with gets the index the server makes for it,
   * named after its first column, before the other indexes, as the server creates it with the table.
   */
  protected describeNewTable(db: MigrationContext, model: TableModel): Table {
    const described = super.describeNewTable(db, model);
    for (const { name, columns } of model.uniques) {
      if (name && !described.indices.some((i) => i.name === name)) described.addIndex(tableIndexOf({ name, columns, unique: true }));
    }
    const keyIndexes: TableIndex[] = [];
    for (const { columns } of model.foreignKeys) {
      const covered = [...model.uniques.map((u) => u.columns), ...keyIndexes.map((i) => i.columnNames)].some((cols) => startsWith(cols, columns));
      if (!covered && !hasIndexFor(described, columns)) keyIndexes.push(tableIndexOf({ name: foreignKeyIndexName(columns), columns }));
    }
    described.indices.unshift(...keyIndexes);
    return described;
  }

  /**
   * `DROP TABLE` alone, as on the other backends and as the reference sends it. TypeORM's MySQL
   * dropTable drops each index of the cached table first whatever it is told (and an index a foreign
   * key needs cannot go before the key), so the cached table is first told it has none: the server
   * drops them with the table. (The cached table, which TypeORM's dropTable reads, not a fresh read:
   * on MariaDB each read of information_schema costs more than the statements it would save.)
   */
  async dropTable(db: MigrationContext, op: DropTable): Promise<void> {
    if (resumable(db) && !(await db.runner.hasTable(op.table))) return; // dropped by an interrupted run
    (await cachedTable(db.runner, op.table)).indices = [];
    await db.runner.dropTable(op.table, false, false, false);
  }

  /** The index MySQL made for the key (named after its first column) goes too, unless another key still needs it. */
  async dropForeignKey(db: MigrationContext, op: DropForeignKey): Promise<void> {
    await super.dropForeignKey(db, op);
    const columns = op.foreignKey.columns.join(',');
    const table = await freshTable(db.runner, op.table);
    const indexName = foreignKeyIndexName(op.foreignKey.columns);
    const index = table.indices.find((i) => i.name === indexName && !i.isUnique && i.columnNames.join(',') === columns);
    const stillNeeded = table.foreignKeys.some((k) => k.columnNames.join(',') === columns);
    if (index && !stillNeeded) await this.dropIndex(db, new DropIndex(op.table, indexName));
  }
}

export const mysqlKit = new MysqlKit();

const SCRIPT_KEY =
  'The run counts the rows this key would reject, adds it with foreign_key_checks = 0 (INSTANT: writes go on) and counts again; a script cannot count, so it sends the plain statement, which checks every row while writes to the table wait.';

/**
 * MySQL: see addForeignKey. foreign_key_checks is the session's, put back as it was. The plan's
 * recording reads no rows: it counts none, and finds the checks on, as a session starts.
 */
async function addMysqlKeyUnchecked(db: MigrationContext, op: AddForeignKey, add: string): Promise<void> {
  const q = (n: string) => db.runner.connection.driver.escape(n);
  const before = await countOrphans(db.runner, op);
  if (before > 0) throw orphansError(op, before);
  const [row] = (await db.runner.query('SELECT @@SESSION.foreign_key_checks AS checks')) as { checks: number | string }[];
  const checks = row?.checks ?? 1;
  await db.runner.query('SET SESSION foreign_key_checks = 0');
  try {
    await alterTableOnline(db, add);
  } finally {
    await db.runner.query(`SET SESSION foreign_key_checks = ${Number(checks) === 0 ? 0 : 1}`);
  }
  // Rows written (or parents deleted) between the count and the key: the key now stops new ones, and
  // must not stay over old ones.
  const after = await countOrphans(db.runner, op);
  if (after > 0) {
    const added = (await freshTable(db.runner, op.table)).foreignKeys.find(matchingForeignKey(op.foreignKey));
    if (added?.name) await alterTableOnline(db, `ALTER TABLE ${q(op.table)} DROP FOREIGN KEY ${q(added.name)}`);
    throw orphansError(op, after, ' (written while the key was being added)');
  }
}

/** The highest n among the table's `<table>_ibfk_<n>` keys; MySQL numbers a new unnamed key n + 1. */
function highestOrdinal(table: Table): number {
  const prefix = `${table.name}_ibfk_`;
  return Math.max(0, ...table.foreignKeys.map((fk) => (fk.name?.startsWith(prefix) ? Number(fk.name.slice(prefix.length)) || 0 : 0)));
}

/** Whether an index (or the primary key) already starts with `columns`, which MySQL then uses for the key. */
function hasIndexFor(table: Table, columns: string[]): boolean {
  return startsWith(table.primaryColumns.map((c) => c.name), columns) || table.indices.some((i) => startsWith(i.columnNames, columns));
}

/** Whether `columns` begins with `prefix`. */
function startsWith(columns: string[], prefix: string[]): boolean {
  return prefix.every((c, i) => columns[i] === c);
}
