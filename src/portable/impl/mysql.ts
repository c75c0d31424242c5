import type { Table } from 'typeorm';
import type { MigrationContext } from '../context';
import { addsIndex, dropsIndex, withTableChange } from '../cached-change';
import { createIndex, dropIndex, IndexDef } from '../create-index';
import { foreignKeyOf, matchingForeignKey, referencesSql } from '../foreign-key';
import { freshTable } from '../fresh-table';
import { alterTableOnline } from '../mysql-algorithm';
import { foreignKeyIndexName } from '../names';
import { noteInScript, writesScript } from '../offline';
import { countOrphans, KeyColumns, orphansError } from '../orphans';
import { resumable } from '../resumable';
import type { ForeignKeyDef } from '../table';
import type { UniqueDef } from '../unique';
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

  async createIndex(db: MigrationContext, tableName: string, def: IndexDef): Promise<void> {
    const q = (name: string) => db.runner.connection.driver.escape(name);
    // Made by an interrupted run of this revision (see resumable.ts).
    if (resumable(db) && (await freshTable(db.runner, tableName)).indices.some((i) => i.name === def.name)) return;
    return withTableChange(
      db.runner,
      tableName,
      async () => {
        await alterTableOnline(db, `ALTER TABLE ${q(tableName)} ADD ${def.unique ? 'UNIQUE ' : ''}INDEX ${q(def.name)} (${def.columns.map(q).join(', ')})`);
      },
      addsIndex(def),
    );
  }

  async dropIndex(db: MigrationContext, tableName: string, name: string): Promise<void> {
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
  async addUnique(db: MigrationContext, tableName: string, def: UniqueDef): Promise<void> {
    if (!def.name) throw new Error(`A unique key on ${tableName} needs a name on MySQL`);
    return createIndex(db, tableName, { name: def.name, columns: def.columns, unique: true });
  }

  async dropUnique(db: MigrationContext, tableName: string, def: UniqueDef, matches: (u: { name?: string; columnNames: string[] }) => boolean): Promise<void> {
    const index = (await freshTable(db.runner, tableName)).indices.find((i) => i.isUnique && matches(i));
    if (!index?.name) throw new Error(`Table "${tableName}" has no unique key ${def.name ?? ''} on (${def.columns.join(', ')})`);
    return dropIndex(db, tableName, index.name);
  }

  /**
   * Named `<table>_ibfk_<n>` after the table's highest n, with the index MySQL would make named
   * after the first column; added INSTANT with foreign_key_checks off, after a count of the rows
   * that would break it (addMysqlKeyUnchecked).
   */
  async addForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
    const { columns, key, cache } = foreignKeyOf(tableName, def);
    const current = await freshTable(db.runner, tableName);
    if (resumable(db) && current.foreignKeys.some(matchingForeignKey(def))) return;
    const name = db.dialect.foreignKeyName(tableName, def.columns, highestOrdinal(current) + 1);
    if (!hasIndexFor(current, def.columns)) await createIndex(db, tableName, { name: foreignKeyIndexName(def.columns), columns: def.columns });
    if (writesScript(db)) {
      await noteInScript(db, SCRIPT_KEY);
      await withTableChange(db.runner, tableName, (t) => db.runner.createForeignKey(t, key(name)), cache(name));
      return;
    }
    await withTableChange(db.runner, tableName, () => addMysqlKeyUnchecked(db, columns, name), cache(name));
  }

  /** The index MySQL made for the key (named after its first column) goes too, unless another key still needs it. */
  async dropForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
    await super.dropForeignKey(db, tableName, def);
    const table = await freshTable(db.runner, tableName);
    const indexName = foreignKeyIndexName(def.columns);
    const index = table.indices.find((i) => i.name === indexName && !i.isUnique && i.columnNames.join(',') === def.columns.join(','));
    const stillNeeded = table.foreignKeys.some((k) => k.columnNames.join(',') === def.columns.join(','));
    if (index && !stillNeeded) await dropIndex(db, tableName, indexName);
  }
}

export const mysqlKit = new MysqlKit();

const SCRIPT_KEY =
  'The run counts the rows this key would reject, adds it with foreign_key_checks = 0 (INSTANT: writes go on) and counts again; a script cannot count, so it sends the plain statement, which checks every row while writes to the table wait.';

/**
 * MySQL: see addForeignKey. foreign_key_checks is the session's, put back as it was. The plan's
 * recording reads no rows: it counts none, and finds the checks on, as a session starts.
 */
async function addMysqlKeyUnchecked(db: MigrationContext, key: KeyColumns, name: string): Promise<void> {
  const q = (n: string) => db.runner.connection.driver.escape(n);
  const before = await countOrphans(db.runner, key);
  if (before > 0) throw orphansError(key, before);
  const [row] = (await db.runner.query('SELECT @@SESSION.foreign_key_checks AS checks')) as { checks: number | string }[];
  const checks = row?.checks ?? 1;
  await db.runner.query('SET SESSION foreign_key_checks = 0');
  try {
    await alterTableOnline(db, `ALTER TABLE ${q(key.table)} ADD CONSTRAINT ${q(name)} ${referencesSql(db, key)}`);
  } finally {
    await db.runner.query(`SET SESSION foreign_key_checks = ${Number(checks) === 0 ? 0 : 1}`);
  }
  // Rows written (or parents deleted) between the count and the key: the key now stops new ones, and
  // must not stay over old ones.
  const after = await countOrphans(db.runner, key);
  if (after > 0) {
    await alterTableOnline(db, `ALTER TABLE ${q(key.table)} DROP FOREIGN KEY ${q(name)}`);
    throw orphansError(key, after, ' (written while the key was being added)');
  }
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
