import { AddTable, DropTable } from '../operations';
import { apply } from './apply';
import type { MigrationContext } from './context';
import { TableDef, tableModel } from './table';

/**
 * `op.create_table(name, *columns, *constraints)`: the table with its primary key, unique
 * constraints, foreign keys and plain indexes, each under the name the reference's server gives it
 * (table.ts); on MySQL, with the index each foreign key needs. A new table holds no rows, so its
 * keys cost nothing to check and nothing waits on it. A table an interrupted run of this revision
 * already made is left as it is (resumable.ts).
 */
export async function createTable(db: MigrationContext, def: TableDef): Promise<void> {
  await apply(db, new AddTable(tableModel(def)));
}

/** `op.drop_table(name)`: the table and its rows. One an interrupted run already dropped is not asked for again (resumable.ts). */
export async function dropTable(db: MigrationContext, name: string): Promise<void> {
  await apply(db, new DropTable(name));
}
