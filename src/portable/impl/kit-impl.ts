import type { Table } from 'typeorm';
import type { Backend } from '../../dialect/backend';
import type {
  AddColumn, AddForeignKey, AddIndex, AddTable, AddUnique, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn,
  DropForeignKey, DropIndex, DropTable, DropUnique, RenameColumn,
} from '../../operations';
import type { TableModel } from '../../schema/model';
import type { MigrationContext } from '../context';
import { withTableChange } from '../cached-change';
import { cacheNewTable, freshTable, replaceCachedTable } from '../fresh-table';
import { isOffline } from '../offline';
import { resumable } from '../resumable';
import { table } from '../table';

/** A unique constraint as TypeORM reads it back: its columns in no particular order, and maybe no name (SQLite). */
export type UniqueMatch = (u: { name?: string; columnNames: string[] }) => boolean;

/**
 * What one backend does with each operation a revision asks for (as Alembic's DefaultImpl and its
 * per-dialect subclasses): the kit's functions (add-column.ts, ...) build the operation value, the
 * same value autogenerate produces and renders (src/operations), and apply.ts hands it to the
 * implementation of the backend the context talks to. What every backend does alike is here; each
 * implementation keeps the backend's own way in one place: SQLite's table rebuilds (impl/sqlite.ts),
 * PostgreSQL's online forms outside the transaction (impl/postgres.ts), MySQL's ALTER algorithms and
 * reruns that resume (impl/mysql.ts).
 */
export abstract class KitImpl {
  /**
   * The dialect's CREATE TABLE and CREATE INDEX, the statements create_schema sends, written as
   * SQLAlchemy writes an `op.create_table`: the statements the reference sends, and unnamed keys are
   * named by the server as there. The runner's table cache learns the table as TypeORM would
   * describe it (table.ts), which an offline run reads back. A table an interrupted run made is left
   * as it is (resumable.ts).
   */
  async addTable(db: MigrationContext, op: AddTable): Promise<void> {
    if (resumable(db) && (await db.runner.hasTable(op.table))) return;
    for (const sql of db.dialect.createTable(op.definition, 'foreign-keys-first')) await db.runner.query(sql);
    cacheNewTable(db.runner, this.describeNewTable(db, op.definition));
  }

  /** A table just created, as TypeORM describes it on this backend (for the runner's table cache). */
  protected describeNewTable(db: MigrationContext, model: TableModel): Table {
    return table(db.dialect, model);
  }

  /**
   * `DROP TABLE` alone, as the reference sends it: the table's indexes and keys go with it. (TypeORM
   * would first drop each index and foreign key in statements of their own, each taking its locks
   * one after another; on PostgreSQL the DROP INDEX even before the run's LOCK ... NOWAIT of the
   * table.) A table an interrupted run dropped is not asked for again (resumable.ts).
   */
  async dropTable(db: MigrationContext, op: DropTable): Promise<void> {
    await db.runner.dropTable(op.table, resumable(db), false, false);
  }

  abstract addColumn(db: MigrationContext, op: AddColumn): Promise<void>;
  abstract dropColumn(db: MigrationContext, op: DropColumn): Promise<void>;

  /** Sends the statement that renames a column (it changes the catalog only on every backend). */
  protected abstract sendRename(db: MigrationContext, statement: string): Promise<void>;

  /**
   * `ALTER TABLE t RENAME COLUMN a TO b`, and the runner's tables kept in step: the table's own
   * columns, keys and indexes, and, offline (where nothing is read back), other tables' foreign keys
   * that name the column.
   */
  async renameColumn(db: MigrationContext, op: RenameColumn): Promise<void> {
    const q = (name: string) => db.runner.connection.driver.escape(name);
    await withTableChange(
      db.runner,
      op.table,
      async (t) => {
        // Renamed by an interrupted run of this revision (see resumable.ts): MySQL commits the statement
        // at once, so a rerun finds the old name gone and the new one there.
        if (resumable(db) && !t.findColumnByName(op.from) && t.findColumnByName(op.to)) return;
        await this.sendRename(db, `ALTER TABLE ${q(op.table)} RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`);
      },
      // The runner's table cache (an offline run has no other source); a no-op once renamed.
      (changed) => renameIn(changed, op),
    );
    if (!isOffline(db)) return;
    // Online, every kit call reads other tables afresh.
    for (const other of await db.runner.getTables()) {
      if (other.name === op.table || !other.foreignKeys.some((fk) => names(fk.referencedTableName, op.table))) continue;
      const updated = other.clone();
      renameIn(updated, op);
      replaceCachedTable(db.runner, other, updated);
    }
  }

  abstract alterColumnNullability(db: MigrationContext, op: AlterColumnNullability): Promise<void>;
  abstract alterColumnType(db: MigrationContext, op: AlterColumnType): Promise<void>;
  abstract alterColumnDefault(db: MigrationContext, op: AlterColumnDefault): Promise<void>;
  abstract createIndex(db: MigrationContext, op: AddIndex): Promise<void>;

  /** An index an interrupted run dropped is not asked for again (resumable.ts); elsewhere a missing one is an error. */
  async dropIndex(db: MigrationContext, op: DropIndex): Promise<void> {
    if (await this.hasIndex(db, op.table, op.name)) return this.removeIndex(db, op.table, op.name);
    if (!resumable(db)) throw new Error(`Table "${op.table}" has no index "${op.name}"`);
  }

  /** Whether the table has the index; where the catalog knows more than TypeORM, from the catalog. */
  async hasIndex(db: MigrationContext, tableName: string, name: string): Promise<boolean> {
    return (await freshTable(db.runner, tableName)).indices.some((i) => i.name === name);
  }

  /** Drops an index known to exist. */
  protected abstract removeIndex(db: MigrationContext, tableName: string, name: string): Promise<void>;

  abstract addUnique(db: MigrationContext, op: AddUnique): Promise<void>;

  /**
   * The constraint is found by its columns (and its name, where both have one); TypeORM reads key
   * columns back in no particular order (PostgreSQL's sorted by name).
   */
  async dropUnique(db: MigrationContext, op: DropUnique): Promise<void> {
    const { name, columns } = op.unique;
    const wanted = [...columns].sort().join(',');
    await this.removeUnique(db, op, (u) => [...u.columnNames].sort().join(',') === wanted && (!name || !u.name || u.name === name));
  }

  protected abstract removeUnique(db: MigrationContext, op: DropUnique, matches: UniqueMatch): Promise<void>;
  abstract addForeignKey(db: MigrationContext, op: AddForeignKey): Promise<void>;
  abstract dropForeignKey(db: MigrationContext, op: DropForeignKey): Promise<void>;
}

/** The implementation for the backend `db` talks to, loaded on first use. */
export function kitImplOf(db: MigrationContext): KitImpl {
  return IMPLS[db.dialect.backend]();
}

const IMPLS: { [B in Backend]: () => KitImpl } = {
  postgres: () => (require('./postgres') as typeof import('./postgres')).postgresKit,
  mysql: () => (require('./mysql') as typeof import('./mysql')).mysqlKit,
  sqlite: () => (require('./sqlite') as typeof import('./sqlite')).sqliteKit,
};

/** `name` as a TypeORM table path (`schema.table` on PostgreSQL) names `table`. */
function names(name: string, table: string): boolean {
  return name.split('.').pop() === table;
}

/** Column `op.table.from` called `to` in `t`: its own column and keys if `t` is that table, and foreign keys pointing at it. */
function renameIn(t: Table, op: RenameColumn): void {
  const swap = (list: string[]) => list.map((n) => (n === op.from ? op.to : n));
  if (names(t.name, op.table)) {
    for (const c of t.columns) if (c.name === op.from) c.name = op.to;
    for (const i of t.indices) i.columnNames = swap(i.columnNames);
    for (const u of t.uniques) u.columnNames = swap(u.columnNames);
    for (const c of t.checks) if (c.columnNames) c.columnNames = swap(c.columnNames);
    for (const fk of t.foreignKeys) fk.columnNames = swap(fk.columnNames);
  }
  for (const fk of t.foreignKeys) if (names(fk.referencedTableName, op.table)) fk.referencedColumnNames = swap(fk.referencedColumnNames);
}
