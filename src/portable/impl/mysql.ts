import type { QueryRunner, Table } from 'typeorm';
import { dialectOf } from '../backend';
import { withTableChange } from '../cached-change';
import { createIndex, dropIndex, IndexDef } from '../create-index';
import { foreignKeyOf, matchingForeignKey, referencesSql } from '../foreign-key';
import { freshTable } from '../fresh-table';
import { alterTableOnline } from '../mysql-algorithm';
import { foreignKeyIndexName } from '../names';
import { isOffline } from '../offline';
import { countOrphans, KeyColumns, orphansError } from '../orphans';
import { resumable } from '../resumable';
import type { ForeignKeyDef } from '../table';
import { typeorm } from '../typeorm-classes';
import type { UniqueDef } from '../unique';
import { ServerKit } from './server';

/**
 * MySQL and MariaDB. Every ALTER TABLE the kit writes is asked for the least blocking algorithm the
 * server accepts (mysql-algorithm.ts). DDL commits at once, so a rerun of an interrupted revision
 * finds part of it done and skips it (resumable.ts). Unique keys are unique indexes, and a foreign
 * key needs an index on its columns, which the kit makes under the name the reference's server gives.
 */
class MysqlKit extends ServerKit {
  protected async alter(queryRunner: QueryRunner, statement: string): Promise<void> {
    await alterTableOnline(queryRunner, statement);
  }

  /**
   * `MODIFY c T [NOT] NULL`, which restates the whole column, hence `nullable`. Most type changes
   * copy the table (reads go on, writes wait); a varchar widened within the same side of 255 bytes
   * is INSTANT (mysql-algorithm.ts).
   */
  protected async changeType(queryRunner: QueryRunner, table: string, column: string, fullType: string, nullable: boolean): Promise<void> {
    await alterTableOnline(queryRunner, `ALTER TABLE ${table} MODIFY ${column} ${fullType}${nullable ? ' NULL' : ' NOT NULL'}`);
  }

  async createIndex(queryRunner: QueryRunner, tableName: string, def: IndexDef): Promise<void> {
    const q = (name: string) => queryRunner.connection.driver.escape(name);
    // Made by an interrupted run of this revision (see resumable.ts).
    if (resumable(queryRunner) && (await freshTable(queryRunner, tableName)).indices.some((i) => i.name === def.name)) return;
    const index = () => new (typeorm().TableIndex)({ name: def.name, columnNames: def.columns, isUnique: def.unique === true });
    return withTableChange(
      queryRunner,
      tableName,
      async () => {
        await alterTableOnline(queryRunner, `ALTER TABLE ${q(tableName)} ADD ${def.unique ? 'UNIQUE ' : ''}INDEX ${q(def.name)} (${def.columns.map(q).join(', ')})`);
      },
      (table: Table) => {
        if (!table.indices.some((i) => i.name === def.name)) table.addIndex(index());
      },
    );
  }

  async dropIndex(queryRunner: QueryRunner, tableName: string, name: string): Promise<void> {
    const q = (n: string) => queryRunner.connection.driver.escape(n);
    return withTableChange(
      queryRunner,
      tableName,
      async () => {
        await alterTableOnline(queryRunner, `ALTER TABLE ${q(tableName)} DROP INDEX ${q(name)}`);
      },
      (table: Table) => {
        const found = table.indices.find((i) => i.name === name);
        if (found) table.removeIndex(found);
      },
    );
  }

  /** A unique key is a unique index here, and needs a name. */
  async addUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef): Promise<void> {
    if (!def.name) throw new Error(`A unique key on ${tableName} needs a name on MySQL`);
    return createIndex(queryRunner, tableName, { name: def.name, columns: def.columns, unique: true });
  }

  async dropUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef, matches: (u: { name?: string; columnNames: string[] }) => boolean): Promise<void> {
    const index = (await freshTable(queryRunner, tableName)).indices.find((i) => i.isUnique && matches(i));
    if (!index?.name) throw new Error(`Table "${tableName}" has no unique key ${def.name ?? ''} on (${def.columns.join(', ')})`);
    return dropIndex(queryRunner, tableName, index.name);
  }

  /**
   * Named `<table>_ibfk_<n>` after the table's highest n, with the index MySQL would make named
   * after the first column; added INSTANT with foreign_key_checks off, after a count of the rows
   * that would break it (addMysqlKeyUnchecked).
   */
  async addForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
    const { columns, key, cache } = foreignKeyOf(tableName, def);
    const current = await freshTable(queryRunner, tableName);
    if (resumable(queryRunner) && current.foreignKeys.some(matchingForeignKey(def))) return;
    const name = dialectOf(queryRunner).foreignKeyName(tableName, def.columns, highestOrdinal(current) + 1);
    if (!hasIndexFor(current, def.columns)) await createIndex(queryRunner, tableName, { name: foreignKeyIndexName(def.columns), columns: def.columns });
    if (isOffline(queryRunner)) {
      await withTableChange(queryRunner, tableName, (t) => queryRunner.createForeignKey(t, key(name)), cache(name));
      return;
    }
    await withTableChange(queryRunner, tableName, () => addMysqlKeyUnchecked(queryRunner, columns, name), cache(name));
  }

  /** The index MySQL made for the key (named after its first column) goes too, unless another key still needs it. */
  async dropForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
    await super.dropForeignKey(queryRunner, tableName, def);
    const table = await freshTable(queryRunner, tableName);
    const indexName = foreignKeyIndexName(def.columns);
    const index = table.indices.find((i) => i.name === indexName && !i.isUnique && i.columnNames.join(',') === def.columns.join(','));
    const stillNeeded = table.foreignKeys.some((k) => k.columnNames.join(',') === def.columns.join(','));
    if (index && !stillNeeded) await dropIndex(queryRunner, tableName, indexName);
  }
}

export const mysqlKit = new MysqlKit();

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
