import { RenameColumn } from '../operations';
import { apply } from './apply';
import type { MigrationContext } from './context';

/**
 * `op.alter_column(table, from, new_column_name=to)`: the column keeps its data, type, keys and
 * indexes (their names included) under its new name.
 *
 * All three take `ALTER TABLE t RENAME COLUMN a TO b`, which changes the catalog only: PostgreSQL
 * at once; MariaDB 10.5+ INSTANT (asked for, as every ALTER the kit sends, see mysql-algorithm.ts);
 * SQLite 3.25+ edits the schema text in place, the indexes and other tables' REFERENCES included.
 * TypeORM's own renameColumn is not used: on MySQL it restates the whole column (CHANGE, which can
 * copy the table), on SQLite it rebuilds the table, and it renames indexes named by its naming
 * strategy, which are not Watcher's names. A column an interrupted run already renamed is not
 * renamed again (resumable.ts).
 */
export async function renameColumn(db: MigrationContext, tableName: string, from: string, to: string): Promise<void> {
  await apply(db, new RenameColumn(tableName, from, to));
}
