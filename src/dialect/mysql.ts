import { ColumnModel, ColumnType, TableModel } from '../schema/model';
import { canonicalExpression, defaultOfSql } from '../schema/column-default';
import { ServerDefault, sqlText } from '../schema/server-default';
import { Dialect } from './dialect';
import { RawType, spelled, TypeTable } from './type-table';
import type { LockWait } from './catalog/lock-holder-text';
import type { SqlExecutor } from './sql-executor';

const FULL = `'%Y-%m-%d %H:%i:%s.%f'`;
const SECONDS = `'%Y-%m-%d %H:%i:%s'`;

/** MySQL and MariaDB. */
export class MysqlDialect extends Dialect {
  readonly backend = 'mysql' as const;
  readonly displayName = 'MySQL';
  readonly transactionalDdl = false;
  override readonly scriptCannot =
    'The run also retries a statement that ran out of time, and sends an INSTANT ALTER between SET SESSION lock_wait_timeout = 0 and the bound above, asking again every few ms (see --plan); this script cannot, so each statement here queues for its locks, for up to lock_wait_timeout. Where the run sends a statement in another form, a comment says so just before it.';
  readonly ownTablesQuery = `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'`;
  readonly sessionIdQuery = 'SELECT CONNECTION_ID() AS id';
  readonly hasAlterAlgorithms = true;

  get familyName(): string {
    return 'MySQL/MariaDB';
  }

  /** Without ANSI_QUOTES, "..." is a string too, and a backslash escapes the quote. */
  readonly stringQuotes = ["'", '"'];
  readonly backslashEscapes = true;
  /** Foreign keys need InnoDB (the spec requires it). */
  readonly tableEngine = 'InnoDB';

  // The server shows `int` as int(11), stores BOOL as tinyint(1) and DECIMAL as decimal(10,0); FLOAT(p)
  // with p >= 25 is stored as DOUBLE, which is what Float(25) means.
  protected readonly types: TypeTable = {
    integer: spelled('INTEGER', 'int', 'int(11)'),
    text: spelled('TEXT', 'text'),
    datetime: spelled('DATETIME', 'datetime'),
    boolean: spelled('BOOL', 'boolean', 'tinyint(1)'),
    numeric: spelled('NUMERIC', 'decimal', 'decimal(10,0)'),
    binary: spelled('BLOB', 'blob'),
    varchar: 'varchar',
    float: (precision) => spelled(precision === undefined ? 'FLOAT' : `FLOAT(${precision})`, precision !== undefined && precision > 24 ? 'double' : 'float'),
  };

  quote(identifier: string): string {
    return `\`${identifier.replace(/`/g, '``')}\``;
  }

  /** MySQL reads a backslash in a literal as an escape (unless NO_BACKSLASH_ESCAPES): double it too. */
  stringLiteral(value: string): string {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }

  protected defaultString(value: string): string {
    return this.stringLiteral(value);
  }

  castAsText(expr: string): string {
    return `CAST(${expr} AS CHAR)`;
  }

  placeholder(): string {
    return '?';
  }

  /** Both take whole seconds: row locks (InnoDB) and metadata locks (the server). */
  lockWaitStatements(seconds: number): string[] {
    const s = Math.max(1, Math.ceil(seconds));
    return [`SET SESSION innodb_lock_wait_timeout = ${s}`, `SET SESSION lock_wait_timeout = ${s}`];
  }

  // Loaded after a lock wait only.
  lockHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
    return (require('./catalog/mysql-locks') as typeof import('./catalog/mysql-locks')).mysqlHolders(executor, table, waiter);
  }

  lockWaitOf(executor: SqlExecutor, waiter: number): Promise<LockWait | undefined> {
    return (require('./catalog/mysql-locks') as typeof import('./catalog/mysql-locks')).mysqlWait(executor, waiter);
  }

  /** information_schema.TABLES.TABLE_ROWS, InnoDB's running estimate. */
  async tableStatistics(executor: SqlExecutor, table: string): Promise<number | undefined> {
    const [row] = (await executor.query('SELECT TABLE_ROWS AS table_rows FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [
      table,
    ])) as { table_rows: number | string | null }[];
    return row?.table_rows !== null && row?.table_rows !== undefined ? Number(row.table_rows) : undefined;
  }

  protected readonly columnDefaultsQuery =
    'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_DEFAULT AS d, EXTRA AS e FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()';

  /**
   * MariaDB (10.2.7+): COLUMN_DEFAULT is SQL text: literals quoted, NULL for none, expressions as
   * written. MySQL 8 gives the bare value instead, and marks expressions DEFAULT_GENERATED.
   */
  async columnDefaults(executor: SqlExecutor): Promise<Map<string, ServerDefault | undefined>> {
    const [{ v }] = (await executor.query('SELECT VERSION() AS v')) as { v: string }[];
    const mariadb = /mariadb/i.test(v);
    const rows = (await executor.query(this.columnDefaultsQuery)) as { t: string; c: string; d: string | Buffer | null; e: string | null }[];
    const found = new Map<string, ServerDefault | undefined>();
    for (const r of rows) {
      const d = r.d === null ? null : String(r.d);
      const value = mariadb || d === null ? defaultOfSql(d) : /DEFAULT_GENERATED/i.test(r.e ?? '') ? sqlText(canonicalExpression(d)) : d;
      found.set(`${r.t}.${r.c}`, value);
    }
    return found;
  }

  /** `<table>_ibfk_<n>`. */
  foreignKeyName(table: string, _columns: string[], ordinal: number): string {
    return `${table}_ibfk_${ordinal}`;
  }

  datetimeAsText(expr: string): string {
    return `DATE_FORMAT(${expr}, ${FULL})`;
  }

  /** DATE_FORMAT always gives a four-digit year, zero dates included. */
  pythonDatetimeSql(expr: string): string {
    return `CASE WHEN ${expr} IS NULL THEN 'None' WHEN MICROSECOND(${expr}) = 0 THEN DATE_FORMAT(${expr}, ${SECONDS}) ELSE DATE_FORMAT(${expr}, ${FULL}) END`;
  }

  /** From the full COLUMN_TYPE; `double` is Float(53). */
  columnTypeOf(raw: RawType): ColumnType | undefined {
    const columnType = (raw.columnType ?? raw.type).toLowerCase();
    const varchar = /^varchar\((\d+)\)$/.exec(columnType);
    if (varchar) return { kind: 'string', length: Number(varchar[1]) };
    // MySQL 8 no longer shows display widths: `int` is int(11) there.
    if (/^int(\(11\))?$/.test(columnType)) return { kind: 'integer' };
    switch (columnType) {
      case 'text':
        return { kind: 'text' };
      case 'datetime':
        return { kind: 'datetime' };
      case 'tinyint(1)':
        return { kind: 'boolean' };
      case 'decimal(10,0)':
        return { kind: 'numeric' };
      case 'float':
        return { kind: 'float' };
      case 'double':
        return { kind: 'float', precision: 53 };
      case 'blob':
        return { kind: 'binary' };
      default:
        return undefined;
    }
  }

  protected renderColumn(table: TableModel, column: ColumnModel): string {
    const base = super.renderColumn(table, column);
    return column.autoincrement ? `${base} AUTO_INCREMENT` : base;
  }

  // Unnamed foreign keys let the server name them <table>_ibfk_<n> with an index named after the
  // column, exactly as for the reference; later revisions drop them by those names.
  protected tableSuffix(): string {
    return `ENGINE=${this.tableEngine}`;
  }

  tableExistsQuery(table: string): { sql: string; parameters: unknown[] } {
    return {
      sql: 'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      parameters: [table],
    };
  }
}
