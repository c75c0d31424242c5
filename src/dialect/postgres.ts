import { ColumnModel, ColumnType, TableModel } from '../schema/model';
import { Dialect } from './dialect';
import { RawType, spelled, TypeTable } from './type-table';
import type { LockWait } from './catalog/lock-holder-text';
import type { SqlExecutor } from './sql-executor';

const FULL = `'YYYY-MM-DD HH24:MI:SS.US'`;
const SECONDS = `'YYYY-MM-DD HH24:MI:SS'`;

export class PostgresDialect extends Dialect {
  readonly backend = 'postgres' as const;
  readonly displayName = 'PostgreSQL';
  readonly transactionalDdl = true;
  override readonly scriptCannot =
    'The run also takes the table locks each statement needs first, with LOCK TABLE ... NOWAIT tried every few ms, and retries a revision that ran out of time (see --plan); this script cannot, so each statement here queues for its locks, for up to lock_timeout.';
  readonly ownTablesQuery = `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
  readonly sessionIdQuery = 'SELECT pg_backend_pid() AS id';

  // TypeORM renders `timestamp without time zone` as TIMESTAMP, which is the same. FLOAT and
  // FLOAT(25..53) both become double precision, as Float() and Float(25) do; FLOAT(p) is real up to 24.
  protected readonly types: TypeTable = {
    integer: spelled('INTEGER', 'integer'),
    text: spelled('TEXT', 'text'),
    datetime: spelled('TIMESTAMP WITHOUT TIME ZONE', 'timestamp without time zone'),
    boolean: spelled('BOOLEAN', 'boolean'),
    numeric: spelled('NUMERIC', 'numeric'),
    binary: spelled('BYTEA', 'bytea'),
    varchar: 'varchar',
    float: (precision) =>
      spelled(precision === undefined ? 'FLOAT' : `FLOAT(${precision})`, precision !== undefined && precision <= 24 ? 'real' : 'double precision'),
  };

  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  /**
   * With a backslash in it, an E'' literal with the backslash doubled: the same value whether the
   * server reads plain literals with standard_conforming_strings on (the default) or off.
   */
  stringLiteral(value: string): string {
    if (!value.includes('\\')) return super.stringLiteral(value);
    return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }

  castAsText(expr: string): string {
    return `CAST(${expr} AS text)`;
  }

  placeholder(n: number): string {
    return `$${n}`;
  }

  inlineParameters(sql: string, parameters: readonly unknown[]): string {
    if (parameters.length === 0) return sql;
    return sql.replace(/\$(\d+)/g, (_m, n: string) => this.valueLiteral(parameters[Number(n) - 1]));
  }

  protected booleanDefault(value: boolean): string {
    return String(value);
  }

  lockWaitStatements(seconds: number): string[] {
    return [`SET lock_timeout = '${Math.max(1, Math.round(seconds * 1000))}ms'`];
  }

  // Loaded after a lock wait only.
  lockHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
    return (require('./catalog/postgres-locks') as typeof import('./catalog/postgres-locks')).postgresHolders(executor, table, waiter);
  }

  lockWaitOf(executor: SqlExecutor, waiter: number): Promise<LockWait | undefined> {
    return (require('./catalog/postgres-locks') as typeof import('./catalog/postgres-locks')).postgresWait(executor, waiter);
  }

  /** pg_class.reltuples, kept by ANALYZE and autovacuum; -1 means the table was never analyzed. */
  async tableStatistics(executor: SqlExecutor, table: string): Promise<number | undefined> {
    const [row] = (await executor.query(
      'SELECT c.reltuples::float8 AS reltuples FROM pg_class c WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace',
      [table],
    )) as { reltuples: number | string }[];
    const reltuples = Number(row?.reltuples ?? -1);
    return reltuples >= 0 ? Math.round(reltuples) : undefined;
  }

  /** information_schema.columns.column_default: SQL text with casts. */
  protected readonly columnDefaultsQuery =
    'SELECT table_name AS t, column_name AS c, column_default AS d FROM information_schema.columns WHERE table_schema = current_schema()';

  /**
   * PostgreSQL compiles a statement whose estimated cost passes jit_above_cost, and the correlated
   * subqueries of a batched UPDATE estimate high: measured, 40 ms of compiling for a 10,000-row chunk
   * that runs in 250 ms, on every chunk. The session's own setting is put back afterwards.
   */
  async withoutJit<T>(executor: SqlExecutor, work: () => Promise<T>): Promise<T> {
    const [{ jit }] = (await executor.query(`SELECT current_setting('jit') AS jit`)) as { jit: string }[];
    const restore = () => executor.query(`SELECT set_config('jit', $1, false)`, [jit]);
    await executor.query(`SELECT set_config('jit', 'off', false)`);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      // What made the work fail is what must be reported (a lost connection fails the restore too).
      await restore().catch(() => undefined);
      throw error;
    }
    await restore();
    return result;
  }

  /** An unnamed primary key is `<table>_pkey`. */
  primaryKeyName(table: string): string {
    return `${table}_pkey`;
  }

  datetimeAsText(expr: string): string {
    return `to_char(${expr}, ${FULL})`;
  }

  /**
   * to_char yields NULL for ±infinity (hence 'None'), and years past 9999 have five digits, which the
   * text form does not match (hence kept whole, `.ffffff` included).
   */
  pythonDatetimeSql(expr: string): string {
    return (
      `CASE WHEN ${expr} IS NULL OR NOT isfinite(${expr}) THEN 'None' ` +
      `WHEN ${expr} >= '10000-01-01' OR date_trunc('second', ${expr}) <> ${expr} THEN to_char(${expr}, ${FULL}) ` +
      `ELSE to_char(${expr}, ${SECONDS}) END`
    );
  }

  /** `real` is Float(24). */
  columnTypeOf({ type, length }: RawType): ColumnType | undefined {
    switch (type) {
      case 'integer':
        return { kind: 'integer' };
      case 'character varying':
        return length ? { kind: 'string', length: Number(length) } : undefined;
      case 'text':
        return { kind: 'text' };
      case 'timestamp without time zone':
        return { kind: 'datetime' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'numeric':
        return { kind: 'numeric' };
      case 'double precision':
        return { kind: 'float' };
      case 'real':
        return { kind: 'float', precision: 24 };
      case 'bytea':
        return { kind: 'binary' };
      default:
        return undefined;
    }
  }

  protected renderColumn(table: TableModel, column: ColumnModel): string {
    // SERIAL creates <table>_<column>_seq owned by the column, as SQLAlchemy's autoincrement does.
    if (column.autoincrement) return `${this.quote(column.name)} SERIAL NOT NULL`;
    return super.renderColumn(table, column);
  }

  // The first schema of search_path, where Alembic and SQLAlchemy create and look for tables.
  tableExistsQuery(table: string): { sql: string; parameters: unknown[] } {
    return {
      sql: 'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1',
      parameters: [table],
    };
  }
}
