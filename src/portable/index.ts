/**
 * A small kit that lets one revision file build, on PostgreSQL, MySQL/MariaDB and SQLite, the schema
 * the Python reference (SQLAlchemy + Alembic) builds there: same types, same key and index names.
 */
export type { Backend } from './backend';
export { backendOf, dialectOf } from './backend';
export { sa } from './types';
export type { ServerDefault, SqlExpression } from '../schema/server-default';
export type { ColumnDef, PrimaryKeyRole } from './column';
export { column, tableColumn } from './column';
export { softDeleteMixinColumns } from './soft-delete-mixin';
export type { ForeignKeyDef, NamedColumns, TableDef } from './table';
export { createTable, dropTable } from './create-table';
export { apply } from './apply';
export { foreignKeyIndexName } from './names';
export { freshTable } from './fresh-table';
export { addColumn } from './add-column';
export { dropColumn } from './drop-column';
export { renameColumn } from './rename-column';
export { alterColumnNullability } from './alter-column';
export { alterColumnDefault } from './alter-default';
export { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';
export { datetimeAsText, pythonDatetimeSql, pythonDatetimeText } from './datetime-text';
export { isOffline } from './offline';
export type { MigrationContext } from './context';
export { migrationContext } from './context';
export { resumable } from './resumable';
export type { IndexDef } from './create-index';
export { createIndex, dropIndex } from './create-index';
export type { UniqueDef } from './unique';
export { addUnique, dropUnique } from './unique';
export { addForeignKey, dropForeignKey } from './foreign-key';
export { alterColumnType } from './alter-type';
export type { TransactionControl } from './outside-transaction';
export { outsideTransaction, hasCommittedPart } from './outside-transaction';
export type { RevisionProgress } from './progress';
export { reportProgress } from './progress';
export type { BatchedUpdateDef } from './batched-update';
export { batchedUpdate } from './batched-update';
