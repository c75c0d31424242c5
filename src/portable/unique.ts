import type { QueryRunner, TableUnique } from 'typeorm';
import { typeorm } from './typeorm-classes';
import { backendOf } from './backend';
import { withTableChange } from './cached-change';
import { createIndex, dropIndex } from './create-index';
import { freshTable } from './fresh-table';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';

/** A unique constraint; SQLite may hold unnamed ones, which are found by their columns. */
export interface UniqueDef {
  name?: string;
  columns: string[];
}

/**
 * `op.create_unique_constraint(name, table, columns)`. What each backend makes of it, as with the
 * reference:
 * - PostgreSQL: `ALTER TABLE ... ADD CONSTRAINT name UNIQUE (...)`;
 * - MySQL: a unique constraint is a unique index (TypeORM refuses the constraint form there);
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
    case 'postgres':
      return withTableChange(
        queryRunner,
        tableName,
        (table) => queryRunner.createUniqueConstraint(table, unique()),
        (table) => table.addUniqueConstraint(unique()),
      );
  }
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
