import type { Table, TableUnique } from 'typeorm';
import type { AddForeignKey, AddIndex, AddUnique, AlterColumnNullability, DropUnique } from '../../operations';
import type { MigrationContext } from '../context';
import { DatabaseStateError } from '../../errors';
import type { IndexModel } from '../../schema/model';
import { addsIndex, dropsIndex, tableIndexOf, withTableChange } from '../cached-change';
import { referencesSql, typeormForeignKey } from '../foreign-key';
import { freshTable } from '../fresh-table';
import { isOffline } from '../offline';
import { countOrphans, orphansError } from '../orphans';
import { canRunOutsideTransaction, outsideTransaction } from '../outside-transaction';
import { pgColumnNotNull, pgConstraint, pgIdentifier, pgIndex } from '../pg-catalog';
import { resumable } from '../resumable';
import { typeorm } from '../typeorm-classes';
import type { UniqueMatch } from './kit-impl';
import { ServerKit } from './server';

/**
 * PostgreSQL. Where the revision may leave its transaction (canRunOutsideTransaction), the changes
 * that would hold ACCESS EXCLUSIVE for a whole-table scan take their online forms instead, each
 * statement committed by itself: CREATE INDEX CONCURRENTLY, a unique constraint USING an index
 * built so, a foreign key NOT VALID then VALIDATE, NOT NULL through a validated CHECK. Inside the
 * transaction (--sql, SQLite-style shared transactions) TypeORM's plain statements are sent.
 */
class PostgresKit extends ServerKit {
  protected async alter(db: MigrationContext, statement: string): Promise<void> {
    await db.runner.query(statement);
  }

  async alterColumnNullability(db: MigrationContext, op: AlterColumnNullability): Promise<void> {
    if (op.nullable || !canRunOutsideTransaction(db)) return super.alterColumnNullability(db, op);
    await withTableChange(
      db.runner,
      op.table,
      async (table) => {
        if (!table.findColumnByName(op.column)) throw new Error(`Table "${op.table}" has no column "${op.column}"`);
        await outsideTransaction(db, () => setNotNullOnline(db, op.table, op.column));
      },
      (changed) => {
        const target = changed.findColumnByName(op.column);
        if (target) target.isNullable = false;
      },
    );
  }

  /** `ALTER COLUMN c TYPE T USING c::T`: the cast lets text become a number too. */
  protected async changeType(db: MigrationContext, table: string, column: string, fullType: string): Promise<void> {
    await db.runner.query(`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${fullType} USING ${column}::${fullType}`);
  }

  async createIndex(db: MigrationContext, op: AddIndex): Promise<void> {
    const cache = addsIndex(op.index);
    if (!canRunOutsideTransaction(db)) {
      return withTableChange(db.runner, op.table, (table) => db.runner.createIndex(table, tableIndexOf(op.index)), cache);
    }
    return withTableChange(db.runner, op.table, () => outsideTransaction(db, () => buildIndexConcurrently(db, op.table, op.index)), cache);
  }

  /** The catalog also shows an INVALID index (a DROP INDEX CONCURRENTLY that was stopped); an offline run has only TypeORM's tables. */
  async hasIndex(db: MigrationContext, tableName: string, name: string): Promise<boolean> {
    if (isOffline(db)) return super.hasIndex(db, tableName, name);
    return (await pgIndex(db.runner, name))?.table === tableName;
  }

  protected async removeIndex(db: MigrationContext, tableName: string, name: string): Promise<void> {
    const q = (n: string) => db.runner.connection.driver.escape(n);
    const cache = dropsIndex(name);
    if (!canRunOutsideTransaction(db)) {
      return withTableChange(db.runner, tableName, (table) => db.runner.dropIndex(table, name), cache);
    }
    return withTableChange(
      db.runner,
      tableName,
      () => outsideTransaction(db, async () => void (await db.runner.query(`DROP INDEX CONCURRENTLY ${q(name)}`))),
      cache,
    );
  }

  async addUnique(db: MigrationContext, op: AddUnique): Promise<void> {
    const { name, columns } = op.unique;
    const unique = () => new (typeorm().TableUnique)({ name, columnNames: columns });
    const cache = (table: Table) => {
      if (!table.uniques.some((u) => u.name === name)) table.addUniqueConstraint(unique());
    };
    // An unnamed one is named by TypeORM's naming strategy, which only its own statement applies.
    if (!name || !canRunOutsideTransaction(db)) {
      return withTableChange(db.runner, op.table, (table) => db.runner.createUniqueConstraint(table, unique()), cache);
    }
    return withTableChange(db.runner, op.table, () => outsideTransaction(db, () => addUniqueUsingIndex(db, op.table, name, columns)), cache);
  }

  protected async removeUnique(db: MigrationContext, op: DropUnique, matches: UniqueMatch): Promise<void> {
    const unique = (await freshTable(db.runner, op.table)).uniques.find(matches);
    if (!unique) throw new Error(`Table "${op.table}" has no unique constraint ${op.unique.name ?? ''} on (${op.unique.columns.join(', ')})`);
    return withTableChange(
      db.runner,
      op.table,
      (table) => db.runner.dropUniqueConstraint(table, unique.name as string),
      (table) => table.removeUniqueConstraint(table.uniques.find((u) => u.name === unique.name) as TableUnique),
    );
  }

  async addForeignKey(db: MigrationContext, op: AddForeignKey): Promise<void> {
    const { key, cache } = typeormForeignKey(op.foreignKey);
    const name = db.dialect.foreignKeyName(op.table, op.foreignKey.columns, 1);
    if (!canRunOutsideTransaction(db)) {
      await withTableChange(db.runner, op.table, (t) => db.runner.createForeignKey(t, key(name)), cache(name));
      return;
    }
    await withTableChange(db.runner, op.table, () => outsideTransaction(db, () => addPostgresKeyNotValid(db, op, name)), cache(name));
  }
}

export const postgresKit = new PostgresKit();

/** The CHECK setNotNullOnline makes and drops: a name of the kit's own, so that a rerun knows it. */
function notNullCheckName(tableName: string, columnName: string): string {
  return pgIdentifier(`wdm_not_null_${tableName}_${columnName}`);
}

/**
 * PostgreSQL, outside any transaction, each statement committed by itself (PostgreSQL 12+):
 * 1. `ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID`: a moment's ACCESS EXCLUSIVE, no scan;
 * 2. `VALIDATE CONSTRAINT c`: the scan, under SHARE UPDATE EXCLUSIVE (reads and writes go on);
 * 3. `ALTER COLUMN col SET NOT NULL`: a moment's lock, the scan skipped because c proves it;
 * 4. `DROP CONSTRAINT c`.
 * A rerun finishes what an interrupted one left (c NOT VALID or validated, the column already NOT
 * NULL with c still there). When rows hold NULL, c (which would go on refusing NULLs in new rows) is
 * dropped again and their count is the error.
 */
async function setNotNullOnline(db: MigrationContext, tableName: string, columnName: string): Promise<void> {
  const q = (n: string) => db.runner.connection.driver.escape(n);
  const t = q(tableName);
  const c = q(columnName);
  const check = notNullCheckName(tableName, columnName);
  let checkThere = (await pgConstraint(db.runner, tableName, check))?.type === 'c';
  if ((await pgColumnNotNull(db.runner, tableName, columnName)) !== true) {
    if (!checkThere) await db.runner.query(`ALTER TABLE ${t} ADD CONSTRAINT ${q(check)} CHECK (${c} IS NOT NULL) NOT VALID`);
    checkThere = true;
    try {
      await db.runner.query(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${q(check)}`);
    } catch (error) {
      await db.runner.query(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(check)}`).catch(() => undefined);
      if ((error as { code?: string }).code === '23514') {
        const [row] = (await db.runner.query(`SELECT COUNT(*) AS n FROM ${t} WHERE ${c} IS NULL`)) as { n: string }[];
        const n = Number(row?.n ?? 0);
        throw new DatabaseStateError(
          `Cannot make ${tableName}.${columnName} NOT NULL: ${n === 1 ? '1 row holds' : `${n} rows hold`} NULL there; set a value in them, then run again`,
        );
      }
      throw error;
    }
    await db.runner.query(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`);
  }
  if (checkThere) await db.runner.query(`ALTER TABLE ${t} DROP CONSTRAINT ${q(check)}`);
}

/**
 * PostgreSQL, outside any transaction: `CREATE [UNIQUE] INDEX CONCURRENTLY`, which lets reads and
 * writes go on while it builds (SHARE UPDATE EXCLUSIVE). Such a build commits as it goes, so a build
 * that was stopped (killed, lock timeout, a duplicate key) leaves an INVALID index of that name, which
 * writes keep up to date and, when unique, check: one found before the build is dropped and built
 * again, and one the build itself leaves is dropped before its error is passed on. An index already
 * built by an interrupted run of this revision is kept (resumable.ts).
 */
async function buildIndexConcurrently(db: MigrationContext, tableName: string, def: IndexModel): Promise<void> {
  const q = (name: string) => db.runner.connection.driver.escape(name);
  const found = await pgIndex(db.runner, def.name);
  if (found && !found.valid) {
    await db.runner.query(`DROP INDEX CONCURRENTLY ${q(def.name)}`);
  } else if (found && resumable(db) && sameIndex(found, tableName, def)) {
    return;
  }
  try {
    await db.runner.query(`CREATE ${def.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${q(def.name)} ON ${q(tableName)} (${def.columns.map(q).join(', ')})`);
  } catch (error) {
    // Only an index this statement left, never one that was there before it.
    const left = found?.valid ? undefined : await pgIndex(db.runner, def.name).catch(() => undefined);
    if (left && !left.valid) await db.runner.query(`DROP INDEX CONCURRENTLY ${q(def.name)}`).catch(() => undefined);
    throw error;
  }
}

function sameIndex(found: { table: string; unique: boolean; columns: string[] }, tableName: string, def: IndexModel): boolean {
  return found.table === tableName && found.unique === def.unique && found.columns.join(',') === def.columns.join(',');
}

/**
 * PostgreSQL, outside any transaction. A rerun finds what an interrupted one left: the constraint
 * itself (kept when resumable, see resumable.ts; otherwise the statements fail as the plain form
 * would), or its index, INVALID (built again by buildIndexConcurrently) or built but not yet attached
 * (attached now, when it is what this constraint needs).
 */
async function addUniqueUsingIndex(db: MigrationContext, tableName: string, name: string, columns: string[]): Promise<void> {
  const q = (n: string) => db.runner.connection.driver.escape(n);
  if (resumable(db) && (await pgConstraint(db.runner, tableName, name))?.type === 'u') return;
  const index = await pgIndex(db.runner, name);
  if (index?.valid && !index.constraint) {
    if (index.table !== tableName || !index.unique || index.columns.join(',') !== columns.join(',')) {
      throw new Error(`Cannot add the unique constraint ${name} on ${tableName}(${columns.join(', ')}): an index of that name is already there on ${index.table}(${index.columns.join(', ')})`);
    }
  } else {
    await buildIndexConcurrently(db, tableName, { name, columns, unique: true });
  }
  await db.runner.query(`ALTER TABLE ${q(tableName)} ADD CONSTRAINT ${q(name)} UNIQUE USING INDEX ${q(name)}`);
}

/**
 * PostgreSQL, outside any transaction: ADD ... NOT VALID, then VALIDATE CONSTRAINT, each committed by
 * itself. A rerun validates a NOT VALID key an interrupted run left. When the rows break the key, the
 * NOT VALID key (which would go on checking new rows) is dropped again and the count of those rows is
 * the error.
 */
async function addPostgresKeyNotValid(db: MigrationContext, op: AddForeignKey, name: string): Promise<void> {
  const q = (n: string) => db.runner.connection.driver.escape(n);
  const found = await pgConstraint(db.runner, op.table, name);
  if (found?.type === 'f' && found.validated && resumable(db)) return;
  // A validated key, when this is no rerun, is added again so that the server says it exists, as for the plain form.
  if (!found || found.type !== 'f' || found.validated) {
    await db.runner.query(`ALTER TABLE ${q(op.table)} ADD CONSTRAINT ${q(name)} ${referencesSql(db, op)} NOT VALID`);
  }
  try {
    await db.runner.query(`ALTER TABLE ${q(op.table)} VALIDATE CONSTRAINT ${q(name)}`);
  } catch (error) {
    await db.runner.query(`ALTER TABLE ${q(op.table)} DROP CONSTRAINT IF EXISTS ${q(name)}`).catch(() => undefined);
    if ((error as { code?: string }).code === '23503') throw orphansError(op, await countOrphans(db.runner, op));
    throw error;
  }
}
