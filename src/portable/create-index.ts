import type { QueryRunner, Table, TableIndex } from 'typeorm';
import { typeorm } from './typeorm-classes';
import { backendOf } from './backend';
import { withTableChange } from './cached-change';
import { freshTable } from './fresh-table';
import { alterTableOnline } from './mysql-algorithm';
import { isOffline } from './offline';
import { canRunOutsideTransaction, outsideTransaction } from './outside-transaction';
import { pgIndex } from './pg-catalog';
import { resumable } from './resumable';

/** An index as upstream declares it (`op.create_index(name, table, columns, unique=...)`). */
export interface IndexDef {
  name: string;
  columns: string[];
  unique?: boolean;
}

/**
 * `op.create_index`: the same index on every backend, built in the least blocking way each offers:
 * - PostgreSQL: `CREATE [UNIQUE] INDEX CONCURRENTLY` outside the revision's transaction (a plain
 *   CREATE INDEX blocks writes for the whole build); see buildIndexConcurrently. Inside a transaction
 *   the runtime lent no way out of, the plain CREATE INDEX.
 * - MySQL: `ALTER TABLE ... ADD [UNIQUE] INDEX`, asked for INPLACE with LOCK=NONE (mysql-algorithm.ts).
 * - SQLite: CREATE INDEX (no other writer runs during a migration anyway).
 */
export async function createIndex(queryRunner: QueryRunner, tableName: string, def: IndexDef): Promise<void> {
  const index = () => new (typeorm().TableIndex)({ name: def.name, columnNames: def.columns, isUnique: def.unique === true });
  const cache = (table: Table) => {
    if (!table.indices.some((i) => i.name === def.name)) table.addIndex(index());
  };
  const q = (name: string) => queryRunner.connection.driver.escape(name);
  switch (backendOf(queryRunner)) {
    case 'sqlite':
      return withTableChange(queryRunner, tableName, (table) => queryRunner.createIndex(table, index()), cache);
    case 'mysql':
      // Made by an interrupted run of this revision (see resumable.ts).
      if (resumable(queryRunner) && (await freshTable(queryRunner, tableName)).indices.some((i) => i.name === def.name)) return;
      return withTableChange(
        queryRunner,
        tableName,
        async () => {
          await alterTableOnline(queryRunner, `ALTER TABLE ${q(tableName)} ADD ${def.unique ? 'UNIQUE ' : ''}INDEX ${q(def.name)} (${def.columns.map(q).join(', ')})`);
        },
        cache,
      );
    case 'postgres':
      if (!canRunOutsideTransaction(queryRunner)) {
        return withTableChange(queryRunner, tableName, (table) => queryRunner.createIndex(table, index()), cache);
      }
      return withTableChange(queryRunner, tableName, () => outsideTransaction(queryRunner, () => buildIndexConcurrently(queryRunner, tableName, def)), cache);
  }
}

/**
 * PostgreSQL, outside any transaction: `CREATE [UNIQUE] INDEX CONCURRENTLY`, which lets reads and
 * writes go on while it builds (SHARE UPDATE EXCLUSIVE). Such a build commits as it goes, so a build
 * that was stopped (killed, lock timeout, a duplicate key) leaves an INVALID index of that name, which
 * writes keep up to date and, when unique, check: one found before the build is dropped and built
 * again, and one the build itself leaves is dropped before its error is passed on. An index already
 * built by an interrupted run of this revision is kept (resumable.ts).
 */
export async function buildIndexConcurrently(queryRunner: QueryRunner, tableName: string, def: IndexDef): Promise<void> {
  const q = (name: string) => queryRunner.connection.driver.escape(name);
  const found = await pgIndex(queryRunner, def.name);
  if (found && !found.valid) {
    await queryRunner.query(`DROP INDEX CONCURRENTLY ${q(def.name)}`);
  } else if (found && resumable(queryRunner) && sameIndex(found, tableName, def)) {
    return;
  }
  try {
    await queryRunner.query(`CREATE ${def.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${q(def.name)} ON ${q(tableName)} (${def.columns.map(q).join(', ')})`);
  } catch (error) {
    // Only an index this statement left, never one that was there before it.
    const left = found?.valid ? undefined : await pgIndex(queryRunner, def.name).catch(() => undefined);
    if (left && !left.valid) await queryRunner.query(`DROP INDEX CONCURRENTLY ${q(def.name)}`).catch(() => undefined);
    throw error;
  }
}

function sameIndex(found: { table: string; unique: boolean; columns: string[] }, tableName: string, def: IndexDef): boolean {
  return found.table === tableName && found.unique === (def.unique === true) && found.columns.join(',') === def.columns.join(',');
}

/**
 * `op.drop_index`, as createIndex builds it: PostgreSQL `DROP INDEX CONCURRENTLY` outside the
 * revision's transaction (which also drops an INVALID one), MySQL `ALTER TABLE ... DROP INDEX` in the
 * least blocking form, SQLite DROP INDEX. An index already dropped by an interrupted run of this
 * revision is not asked for again (resumable.ts).
 */
export async function dropIndex(queryRunner: QueryRunner, tableName: string, name: string): Promise<void> {
  const backend = backendOf(queryRunner);
  const q = (n: string) => queryRunner.connection.driver.escape(n);
  const cache = (table: Table) => {
    const found = table.indices.find((i) => i.name === name);
    if (found) table.removeIndex(found as TableIndex);
  };
  // PostgreSQL's catalog also shows an INVALID index (a DROP INDEX CONCURRENTLY that was stopped);
  // an offline run has only TypeORM's tables.
  const exists =
    backend === 'postgres' && !isOffline(queryRunner)
      ? (await pgIndex(queryRunner, name))?.table === tableName
      : (await freshTable(queryRunner, tableName)).indices.some((i) => i.name === name);
  if (!exists) {
    if (resumable(queryRunner)) return;
    throw new Error(`Table "${tableName}" has no index "${name}"`);
  }
  switch (backend) {
    case 'sqlite':
      return withTableChange(queryRunner, tableName, (table) => queryRunner.dropIndex(table, name), cache);
    case 'mysql':
      return withTableChange(
        queryRunner,
        tableName,
        async () => {
          await alterTableOnline(queryRunner, `ALTER TABLE ${q(tableName)} DROP INDEX ${q(name)}`);
        },
        cache,
      );
    case 'postgres':
      if (!canRunOutsideTransaction(queryRunner)) {
        return withTableChange(queryRunner, tableName, (table) => queryRunner.dropIndex(table, name), cache);
      }
      return withTableChange(
        queryRunner,
        tableName,
        () => outsideTransaction(queryRunner, async () => void (await queryRunner.query(`DROP INDEX CONCURRENTLY ${q(name)}`))),
        cache,
      );
  }
}
