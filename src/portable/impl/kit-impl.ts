import type { Backend } from '../../dialect/backend';
import type { MigrationContext } from '../context';
import type { ColumnType } from '../../schema/model';
import type { ServerDefault } from '../../schema/server-default';
import type { ColumnDef } from '../column';
import type { IndexDef } from '../create-index';
import type { ForeignKeyDef } from '../table';
import type { UniqueDef } from '../unique';

/**
 * What one backend does for each schema change of the kit (as Alembic's DefaultImpl and its
 * per-dialect subclasses): the kit's functions (add-column.ts, ...) say what a change means and
 * hand it to the implementation of the backend the query runner talks to. Each implementation keeps
 * the backend's own way in one place: SQLite's table rebuilds (impl/sqlite.ts), PostgreSQL's
 * online forms outside the transaction (impl/postgres.ts), MySQL's ALTER algorithms and reruns
 * that resume (impl/mysql.ts).
 */
export interface KitImpl {
  addColumn(db: MigrationContext, tableName: string, def: ColumnDef): Promise<void>;
  dropColumn(db: MigrationContext, tableName: string, columnName: string): Promise<void>;
  /** The statement that renames the column; the caller keeps the runner's tables in step. */
  renameColumn(db: MigrationContext, statement: string): Promise<void>;
  alterColumnNullability(db: MigrationContext, tableName: string, columnName: string, existingType: ColumnType, nullable: boolean): Promise<void>;
  alterColumnType(db: MigrationContext, tableName: string, columnName: string, types: { from: ColumnType; to: ColumnType; nullable: boolean }): Promise<void>;
  alterColumnDefault(db: MigrationContext, tableName: string, columnName: string, value: ServerDefault | null): Promise<void>;
  createIndex(db: MigrationContext, tableName: string, def: IndexDef): Promise<void>;
  /** The index is known to exist (dropIndex checked). */
  dropIndex(db: MigrationContext, tableName: string, name: string): Promise<void>;
  /** Whether the table has the index; where the catalog knows more than TypeORM, from the catalog. */
  hasIndex(db: MigrationContext, tableName: string, name: string): Promise<boolean>;
  addUnique(db: MigrationContext, tableName: string, def: UniqueDef): Promise<void>;
  dropUnique(db: MigrationContext, tableName: string, def: UniqueDef, matches: (u: { name?: string; columnNames: string[] }) => boolean): Promise<void>;
  addForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void>;
  dropForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void>;
}

/** The implementation for the backend `db.runner` talks to, loaded on first use. */
export function kitImplOf(db: MigrationContext): KitImpl {
  return IMPLS[db.dialect.backend]();
}

const IMPLS: { [B in Backend]: () => KitImpl } = {
  postgres: () => (require('./postgres') as typeof import('./postgres')).postgresKit,
  mysql: () => (require('./mysql') as typeof import('./mysql')).mysqlKit,
  sqlite: () => (require('./sqlite') as typeof import('./sqlite')).sqliteKit,
};
