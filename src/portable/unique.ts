import type { QueryRunner, Table, TableUnique } from 'typeorm';
import { typeorm } from './typeorm-classes';
import { backendOf } from './backend';
import { withTableChange } from './cached-change';
import { buildIndexConcurrently, createIndex, dropIndex } from './create-index';
import { freshTable } from './fresh-table';
import { canRunOutsideTransaction, outsideTransaction } from './outside-transaction';
import { pgConstraint, pgIndex } from './pg-catalog';
import { resumable } from './resumable';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';

/** A unique constraint; SQLite may hold unnamed ones, which are found by their columns. */
export interface UniqueDef {
  name?: string;
  columns: string[];
}

/**
 * `op.create_unique_constraint(name, table, columns)`. What each backend makes of it, as with the
 * reference, built in the least blocking way each offers:
 * - PostgreSQL: the constraint `name` UNIQUE (...). `ADD CONSTRAINT name UNIQUE (...)` would build its
 *   index under ACCESS EXCLUSIVE, blocking reads and writes for the whole build; instead, outside the
 *   revision's transaction, `CREATE UNIQUE INDEX CONCURRENTLY name` and then
 *   `ADD CONSTRAINT name UNIQUE USING INDEX name`, which only attaches it (the index keeps its name,
 *   which is the constraint's, as the reference has it). Inside a transaction the runtime lent no way
 *   out of, the plain ADD CONSTRAINT.
 * - MySQL: a unique constraint is a unique index (TypeORM refuses the constraint form there), added
 *   as createIndex adds one;
 * - SQLite cannot add a constraint: the table is rebuilt with it, keeping its rows.
 */
export async function addUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef): Promise<void> {
  const unique = () => new (typeorm().TableUnique)({ name: def.name, columnNames: def.columns });
  switch (backendOf(queryRunner)) {
    case 'mysql':
      if (!def.name) throw new Error(`A unique key on ${tableName} needs a name on MySQL`);
      return createIndex(queryRunner, tableName, { name: def.name, columns: def.columns, unique: true });
    case 'sqlite':
      await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
        queryRunner.createUniqueConstraint(await sqliteTableForRebuild(queryRunner, tableName), unique()),
      );
      return;
    case 'postgres': {
      const cache = (table: Table) => {
        if (!table.uniques.some((u) => u.name === def.name)) table.addUniqueConstraint(unique());
      };
      // An unnamed one is named by TypeORM's naming strategy, which only its own statement applies.
      if (!def.name || !canRunOutsideTransaction(queryRunner)) {
        return withTableChange(queryRunner, tableName, (table) => queryRunner.createUniqueConstraint(table, unique()), cache);
      }
      const name = def.name;
      return withTableChange(queryRunner, tableName, () => outsideTransaction(queryRunner, () => addUniqueUsingIndex(queryRunner, tableName, name, def.columns)), cache);
    }
  }
}

/**
 * PostgreSQL, outside any transaction. A rerun finds what an interrupted one left: the constraint
 * itself (kept when resumable, see resumable.ts; otherwise the statements fail as the plain form
 * would), or its index, INVALID (built again by buildIndexConcurrently) or built but not yet attached
 * (attached now, when it is what this constraint needs).
 */
async function addUniqueUsingIndex(queryRunner: QueryRunner, tableName: string, name: string, columns: string[]): Promise<void> {
  const q = (n: string) => queryRunner.connection.driver.escape(n);
  if (resumable(queryRunner) && (await pgConstraint(queryRunner, tableName, name))?.type === 'u') return;
  const index = await pgIndex(queryRunner, name);
  if (index?.valid && !index.constraint) {
    if (index.table !== tableName || !index.unique || index.columns.join(',') !== columns.join(',')) {
      throw new Error(`Cannot add the unique constraint ${name} on ${tableName}(${columns.join(', ')}): an index of that name is already there on ${index.table}(${index.columns.join(', ')})`);
    }
  } else {
    await buildIndexConcurrently(queryRunner, tableName, { name, columns, unique: true });
  }
  await queryRunner.query(`ALTER TABLE ${q(tableName)} ADD CONSTRAINT ${q(name)} UNIQUE USING INDEX ${q(name)}`);
}

/** `op.drop_constraint(name, table, type_='unique')`, per backend as addUnique. */
export async function dropUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef): Promise<void> {
  // TypeORM reads key columns back in no particular order (PostgreSQL's sorted by name).
  const wanted = [...def.columns].sort().join(',');
  const matches = (u: { name?: string; columnNames: string[] }) =>
    [...u.columnNames].sort().join(',') === wanted && (!def.name || !u.name || u.name === def.name);
  switch (backendOf(queryRunner)) {
    case 'mysql': {
      const index = (await freshTable(queryRunner, tableName)).indices.find((i) => i.isUnique && matches(i));
      if (!index?.name) throw new Error(`Table "${tableName}" has no unique key ${def.name ?? ''} on (${def.columns.join(', ')})`);
      return dropIndex(queryRunner, tableName, index.name);
    }
    case 'sqlite':
      await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
        const table = await sqliteTableForRebuild(queryRunner, tableName);
        const unique = table.uniques.find(matches);
        if (!unique) throw new Error(`Table "${tableName}" has no unique constraint on (${def.columns.join(', ')})`);
        await queryRunner.dropUniqueConstraint(table, unique);
      });
      return;
    case 'postgres': {
      const unique = (await freshTable(queryRunner, tableName)).uniques.find(matches);
      if (!unique) throw new Error(`Table "${tableName}" has no unique constraint ${def.name ?? ''} on (${def.columns.join(', ')})`);
      return withTableChange(
        queryRunner,
        tableName,
        (table) => queryRunner.dropUniqueConstraint(table, unique.name as string),
        (table) => table.removeUniqueConstraint(table.uniques.find((u) => u.name === unique.name) as TableUnique),
      );
    }
  }
}
