import { ColumnModel, ColumnType, IndexModel, TableModel } from '../schema/model';
import { isSqlExpression, ServerDefault } from '../schema/server-default';
import { defaultOfSql } from '../schema/column-default';
import type { Backend } from './backend';
import type { RawType, TypeTable } from './type-table';
import type { LockWait } from './catalog/lock-holder-text';
import type { SqlExecutor } from './sql-executor';

export type { Backend };

/**
 * What a backend is, in one place: how it spells types, literals, names and placeholders, how its
 * transactions and lock waits behave, how its catalog is read. Every feature asks its dialect
 * instead of comparing backend names. Statements mirror what SQLAlchemy emits for the same model, so
 * a database we create cannot be told apart from the reference's.
 */
export abstract class Dialect {
  abstract readonly backend: Backend;
  /** The name operators know the backend by, for messages. */
  abstract readonly displayName: string;
  /** The family of servers the dialect serves, as a plan's heading names it. */
  get familyName(): string {
    return this.displayName;
  }
  /** Whether an ALTER TABLE can be asked for an algorithm (INSTANT, INPLACE, COPY), which a plan then shows. */
  readonly hasAlterAlgorithms: boolean = false;
  /** Whether DDL is rolled back with the transaction (PostgreSQL, SQLite), or commits at once (MySQL). */
  abstract readonly transactionalDdl: boolean;
  /** The generic types as this backend writes, stores and reports them. */
  protected abstract readonly types: TypeTable;

  abstract quote(identifier: string): string;

  /**
   * A string as an SQL literal, only for scripts that a client runs (--sql), where no parameter can
   * be bound; online, values are always bound parameters.
   */
  stringLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }

  /** A `?`-style or `$1`-style placeholder for the n-th (1-based) bound parameter. */
  abstract placeholder(n: number): string;

  /** Puts bound parameters into the statement as SQL literals, for a script to be run by a client. */
  inlineParameters(sql: string, parameters: readonly unknown[]): string {
    if (parameters.length === 0) return sql;
    let i = 0;
    return sql.replace(/\?/g, () => this.valueLiteral(parameters[i++]));
  }

  protected valueLiteral(value: unknown): string {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? '1' : '0';
    return this.stringLiteral(String(value));
  }

  /**
   * The SQL for a server default: a string as a literal, a boolean as the backend stores it, a
   * number as it is written, an expression as it is.
   */
  defaultSql(value: ServerDefault): string {
    if (isSqlExpression(value)) return value.sql;
    if (typeof value === 'boolean') return this.booleanDefault(value);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`A default must be a finite number, not ${value}`);
      return String(value);
    }
    return this.defaultString(value);
  }

  /** MySQL's BOOLEAN is tinyint(1) and SQLite has no booleans: 1 and 0. */
  protected booleanDefault(value: boolean): string {
    return value ? '1' : '0';
  }

  protected defaultString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }

  /** The length in characters of a text expression. */
  charLength(expr: string): string {
    return `CHAR_LENGTH(${expr})`;
  }

  /** An expression cast to the backend's text type. */
  abstract castAsText(expr: string): string;

  /**
   * What a `--sql` script sends before the revisions' statements (after the lock-wait settings), and
   * after them: one transaction around them where DDL is transactional.
   */
  /**
   * What a run sends that a script cannot (it has nobody to answer a refusal or a busy lock), said
   * in the script where it starts; the plan shows the run's statements themselves.
   */
  readonly scriptCannot: string | undefined = undefined;

  scriptOpening(): string[] {
    return this.transactionalDdl ? ['BEGIN'] : [];
  }

  scriptClosing(): string[] {
    return this.transactionalDdl ? ['COMMIT'] : [];
  }

  /** How strings are written, for the statement reader: which quotes delimit them, and whether a backslash escapes. */
  readonly stringQuotes: readonly string[] = ["'"];
  readonly backslashEscapes: boolean = false;

  /**
   * Whether the server has a lock a run can hold across its transactions (PostgreSQL's advisory
   * locks, MySQL's GET_LOCK): only then may a revision commit part of its work and go on, since no
   * second run can start the revision meanwhile. SQLite has none (runtime/run-guard.ts).
   */
  readonly hasRunLock: boolean = true;

  /** Runs `work` with the statement compiler off where the server has one that costs more than it saves. */
  async withoutJit<T>(_executor: SqlExecutor, work: () => Promise<T>): Promise<T> {
    return work();
  }

  /** The session statements that bound every lock wait of the connection by `seconds`. */
  abstract lockWaitStatements(seconds: number): string[];

  /**
   * Whether an INTEGER primary key is the row id, which numbers itself already (SQLite): nothing
   * must be added for it to do so (TypeORM's "increment" would write AUTOINCREMENT, which SQLAlchemy
   * does not, and which changes how ids are reused and adds the sqlite_sequence table).
   */
  readonly integerPrimaryKeyIsRowid: boolean = false;

  /** The storage engine a table is created with, where the backend has several. */
  readonly tableEngine: string | undefined = undefined;

  /** A query whose one row's `id` is the server's id for this session; none where there are no sessions. */
  readonly sessionIdQuery: string | undefined = undefined;

  /** The names of the connection's own tables, as `name` (TypeORM's getTables() alone would read every schema). */
  abstract readonly ownTablesQuery: string;

  /** The connection's own tables, sorted by name. */
  async ownTables(executor: SqlExecutor): Promise<string[]> {
    const rows = (await executor.query(this.ownTablesQuery)) as { name: string }[];
    return rows.map((r) => r.name).sort();
  }

  /**
   * Who holds locks on `table` ("held by pid 42 (...)"), leaving out session `waiter`, as the
   * server's catalog tells it; undefined where it does not say (SQLite: a file lock of some other
   * process). May fail: the caller treats that as not said (connection/lock-holders.ts).
   */
  async lockHolders(_executor: SqlExecutor, _table: string, _waiter?: number): Promise<string | undefined> {
    return undefined;
  }

  /** What session `waiter` waits for right now (the table, who is in the way), asked on another connection. */
  async lockWaitOf(_executor: SqlExecutor, _waiter: number): Promise<LockWait | undefined> {
    return undefined;
  }

  /**
   * The table's row count as the server's statistics keep it, without reading the table; undefined
   * when it keeps none for the table (the caller counts instead).
   */
  abstract tableStatistics(executor: SqlExecutor, table: string): Promise<number | undefined>;

  /**
   * Every column's server default in the connection's own schema, keyed `table.column`, read from
   * the catalog (not TypeORM's getTables(), which on MariaDB quotes COLUMN_DEFAULT once more and
   * turns "no default" into the string 'NULL'). A value is in SQL terms here; autogenerate puts it in
   * its column type's terms.
   */
  async columnDefaults(executor: SqlExecutor): Promise<Map<string, ServerDefault | undefined>> {
    const rows = (await executor.query(this.columnDefaultsQuery)) as { t: string; c: string; d: string | null }[];
    return new Map(rows.map((r) => [`${r.t}.${r.c}`, defaultOfSql(r.d)]));
  }

  /** Rows of `t` (table), `c` (column), `d` (the default's SQL text, NULL for none). */
  protected abstract readonly columnDefaultsQuery: string;

  /** The name the server gives an unnamed primary key, where it keeps one. */
  primaryKeyName(_table: string): string | undefined {
    return undefined;
  }

  /**
   * The name the server gives an unnamed foreign key (`ordinal` counts the table's foreign keys from
   * 1, in declaration order). SQLite keeps no names for foreign keys, but TypeORM always writes
   * `CONSTRAINT "<name>"` into the CREATE TABLE text (and reads it back when it rebuilds a table), so
   * it gets the PostgreSQL-style name rather than a hash: readable, stable across rebuilds, and
   * nothing can refer to it anyway.
   */
  foreignKeyName(table: string, columns: string[], _ordinal: number): string {
    return `${table}_${columns[0]}_fkey`;
  }

  /**
   * SQL that renders the DATETIME expression `expr` as `YYYY-MM-DD HH:MM:SS.ffffff` (the servers
   * format the value themselves, so a string is read whatever the driver's time zone settings).
   */
  abstract datetimeAsText(expr: string): string;

  /** SQL giving, row by row, what Python's `str(datetime)` prints for the value (datetime-text.ts). */
  abstract pythonDatetimeSql(expr: string): string;

  /** The backend's DDL spelling of a generic type, as SQLAlchemy's compiler writes it. */
  renderType(type: ColumnType): string {
    switch (type.kind) {
      case 'string':
        return `VARCHAR(${type.length})`;
      case 'float':
        return this.types.float(type.precision).ddl;
      default:
        return this.types[type.kind].ddl;
    }
  }

  /** The type name (and length) TypeORM is given for a generic type, so the server stores the reference's. */
  typeOrmType(type: ColumnType): { type: string; length?: string } {
    switch (type.kind) {
      case 'string':
        return { type: this.types.varchar, length: String(type.length) };
      case 'float':
        return { type: this.types.float(type.precision).typeorm };
      default:
        return { type: this.types[type.kind].typeorm };
    }
  }

  /**
   * What the backend really stores for a generic type, as the server reports it back. Two types are
   * the same when they store the same, so a type never shows as changed because it was written
   * differently. String lengths count everywhere.
   */
  storedType(type: ColumnType): string {
    switch (type.kind) {
      case 'string':
        return `varchar(${type.length})`;
      case 'float':
        return this.types.float(type.precision).stored;
      default:
        return this.types[type.kind].stored;
    }
  }

  /**
   * The generic type a stored type comes from, or undefined when no generic type stores it (bigint,
   * tinyint(4), decimal(8,2), ...): such a column cannot be written with the portable kit, so it is
   * reported rather than guessed at. Float precisions are chosen so that storedType() gives the
   * stored type back.
   */
  abstract columnTypeOf(raw: RawType): ColumnType | undefined;

  /** Text after the closing parenthesis of CREATE TABLE (table options). */
  protected tableSuffix(): string {
    return '';
  }

  protected renderColumn(table: TableModel, column: ColumnModel): string {
    // The kit's spelling of a default, so create_schema and a revision write the same one.
    const dflt = column.default === undefined ? '' : ` DEFAULT ${this.defaultSql(column.default)}`;
    return `${this.quote(column.name)} ${this.renderType(column.type)}${dflt}${column.nullable ? '' : ' NOT NULL'}`;
  }

  protected quoteList(names: string[]): string {
    return names.map((n) => this.quote(n)).join(', ');
  }

  /**
   * CREATE TABLE with its keys inline, then its non-unique indexes, as SQLAlchemy orders them: the
   * primary key, then the other constraints in the order they were declared. That order is the
   * unique constraints first for a model's table (create_schema, as metadata.create_all writes it),
   * the foreign keys first for a revision's (`op.create_table`, whose arguments Alembic renders
   * sorted: ForeignKeyConstraint before UniqueConstraint).
   */
  createTable(table: TableModel, order: 'uniques-first' | 'foreign-keys-first' = 'uniques-first'): string[] {
    const lines = table.columns.map((c) => this.renderColumn(table, c));
    const pk = table.primaryKey;
    if (pk.columns.length > 0) {
      const named = pk.name ? `CONSTRAINT ${this.quote(pk.name)} ` : '';
      lines.push(`${named}PRIMARY KEY (${this.quoteList(pk.columns)})`);
    }
    const uniques = table.uniques.map((unique) => `${unique.name ? `CONSTRAINT ${this.quote(unique.name)} ` : ''}UNIQUE (${this.quoteList(unique.columns)})`);
    const foreignKeys = table.foreignKeys.map(
      (fk) =>
        `${fk.name ? `CONSTRAINT ${this.quote(fk.name)} ` : ''}FOREIGN KEY(${this.quoteList(fk.columns)}) REFERENCES ${this.quote(fk.referencedTable)} (${this.quoteList(fk.referencedColumns)})`,
    );
    lines.push(...(order === 'uniques-first' ? [...uniques, ...foreignKeys] : [...foreignKeys, ...uniques]));
    const create = `CREATE TABLE ${this.quote(table.name)} (\n\t${lines.join(', \n\t')}\n)${this.tableSuffix()}`;
    return [create, ...table.indexes.map((i) => this.createIndex(table.name, i))];
  }

  createIndex(tableName: string, index: IndexModel): string {
    const unique = index.unique ? 'UNIQUE ' : '';
    return `CREATE ${unique}INDEX ${this.quote(index.name)} ON ${this.quote(tableName)} (${this.quoteList(index.columns)})`;
  }

  /**
   * A query that returns a row when the connection's own schema has the table. It is plain SQL on
   * the catalog, so it runs on a bare driver connection as well as through TypeORM.
   */
  abstract tableExistsQuery(table: string): { sql: string; parameters: unknown[] };
}
