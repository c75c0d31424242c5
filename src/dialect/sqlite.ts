import { ColumnType } from '../schema/model';
import { typeOfSqliteName } from '../schema/sqlite-type-names';
import { Dialect } from './dialect';
import type { SqlExecutor } from './sql-executor';
import { RawType, spelled, TypeTable } from './type-table';

/**
 * SQLite keeps the CREATE TABLE text as written, so ours follows SQLAlchemy's layout. An INTEGER
 * primary key is the rowid and numbers itself; like SQLAlchemy we do not add AUTOINCREMENT.
 */
export class SqliteDialect extends Dialect {
  readonly backend = 'sqlite' as const;
  readonly displayName = 'SQLite';
  readonly transactionalDdl = true;
  readonly ownTablesQuery = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;
  readonly integerPrimaryKeyIsRowid = true;
  readonly hasRunLock = false;

  // The declared type is kept verbatim in sqlite_master, so the upper-case names SQLAlchemy writes
  // are written everywhere; SQLite has one floating type, and SQLAlchemy writes FLOAT whatever the
  // precision.
  protected readonly types: TypeTable = {
    integer: spelled('INTEGER'),
    text: spelled('TEXT'),
    datetime: spelled('DATETIME'),
    boolean: spelled('BOOLEAN'),
    numeric: spelled('NUMERIC'),
    binary: spelled('BLOB'),
    varchar: 'VARCHAR',
    float: () => spelled('FLOAT'),
  };

  /**
   * Quotes only where SQLite needs it, as SQLAlchemy does: the stored CREATE text then reads like
   * the reference's, and the sqlite3 shell does not show quoted tables as "CREATE TABLE IF NOT EXISTS".
   */
  quote(identifier: string): string {
    if (/^[a-z_][a-z0-9_]*$/.test(identifier) && !SQLITE_KEYWORDS.has(identifier.toUpperCase())) return identifier;
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  /** SQLite has no CHAR_LENGTH: its LENGTH counts the characters of text. */
  charLength(expr: string): string {
    return `LENGTH(${expr})`;
  }

  castAsText(expr: string): string {
    return `CAST(${expr} AS TEXT)`;
  }

  /**
   * A table rebuild drops a table that other tables' rows reference, which fails while foreign keys
   * are enforced; the online run turns them off around a rebuild (sqlite-rebuild.ts), a script for
   * its whole length (the pragma is a no-op inside a transaction).
   */
  scriptOpening(): string[] {
    return ['PRAGMA foreign_keys = OFF', ...super.scriptOpening()];
  }

  scriptClosing(): string[] {
    return [...super.scriptClosing(), 'PRAGMA foreign_keys = ON'];
  }

  placeholder(): string {
    return '?';
  }

  lockWaitStatements(seconds: number): string[] {
    return [`PRAGMA busy_timeout = ${Math.max(1, Math.round(seconds * 1000))}`];
  }

  /**
   * SQLite has no DATETIME type: the column holds the text its writer stored (SQLAlchemy writes
   * `YYYY-MM-DD HH:MM:SS.ffffff`), which is returned as it is and normalised by pythonDatetimeText.
   */
  datetimeAsText(expr: string): string {
    return expr;
  }

  /**
   * Whatever the writer stored, read as text (integers as their digits; a REAL is written with
   * SQLite's 15 significant digits where JavaScript would write the shortest exact form, the only
   * case that can differ, and not one a DATETIME writer produces): trimmed of JavaScript's white
   * space, `YYYY-MM-DD[ T]HH:MM:SS[.digits]` becomes Python's form (fraction padded or cut to six
   * digits, dropped when those are zero); anything else stays as stored.
   */
  pythonDatetimeSql(expr: string): string {
    const text = `CAST(${expr} AS TEXT)`;
    const t = `trim(${text}, char(${JS_TRIMMED.join(', ')}))`;
    const fraction = `substr(${t}, 21)`;
    const matches =
      `substr(${t}, 1, 19) GLOB ${SECONDS_GLOB} AND ` +
      `(length(${t}) = 19 OR (substr(${t}, 20, 1) = '.' AND length(${t}) > 20 AND ${fraction} NOT GLOB '*[^0-9]*'))`;
    const micro = `substr(${fraction} || '000000', 1, 6)`;
    const seconds = `substr(${t}, 1, 10) || ' ' || substr(${t}, 12, 8)`;
    // What SQLAlchemy writes goes the short way: SQLite evaluates each repetition of an
    // expression anew, and the general form repeats the trimmed text a dozen times.
    return (
      `CASE WHEN ${expr} IS NULL THEN 'None' ` +
      `WHEN ${expr} GLOB ${SQLALCHEMY_GLOB} THEN (CASE WHEN substr(${expr}, 21) = '000000' THEN substr(${expr}, 1, 19) ELSE ${expr} END) ` +
      `WHEN NOT (${matches}) THEN ${text} ` +
      `WHEN ${micro} = '000000' THEN ${seconds} ELSE ${seconds} || '.' || ${micro} END`
    );
  }

  /** sqlite_stat1's row count for the table (the first number of its `stat`), when ANALYZE wrote one. */
  async tableStatistics(executor: SqlExecutor, table: string): Promise<number | undefined> {
    const present = (await executor.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")) as unknown[];
    if (present.length === 0) return undefined;
    const rows = (await executor.query('SELECT stat FROM sqlite_stat1 WHERE tbl = ?', [table])) as { stat: string }[];
    const counts = rows.map((r) => Number(String(r.stat).split(' ')[0])).filter((n) => Number.isFinite(n));
    return counts.length ? Math.max(...counts) : undefined;
  }

  /** pragma_table_info's dflt_value: the text of the DEFAULT clause. */
  protected readonly columnDefaultsQuery = `SELECT m.name AS t, p.name AS c, p.dflt_value AS d FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'`;

  /** SQLite keeps the declared name; TypeORM reads it back lower-cased, with the length apart. */
  columnTypeOf({ type, length }: RawType): ColumnType | undefined {
    return typeOfSqliteName(type, length);
  }

  tableExistsQuery(table: string): { sql: string; parameters: unknown[] } {
    return { sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", parameters: [table] };
  }
}

/**
 * The characters JavaScript's String.prototype.trim removes (white space and line terminators), as
 * SQLite char() arguments: SQLite's trim() removes only spaces unless told which characters.
 */
const JS_TRIMMED = [9, 10, 11, 12, 13, 32, 160, 5760, ...Array.from({ length: 11 }, (_, i) => 8192 + i), 8232, 8233, 8239, 8287, 12288, 65279];

/** SQLite GLOB for `YYYY-MM-DD HH:MM:SS` (or with `T`), ASCII digits only, as the regular expression's \d. */
const SECONDS_GLOB = `'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]'`;

/** What SQLAlchemy writes into a SQLite DATETIME: `YYYY-MM-DD HH:MM:SS.ffffff`, always six digits. */
const SQLALCHEMY_GLOB = `'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'`;

/** SQLite's keywords (https://sqlite.org/lang_keywords.html). */
const SQLITE_KEYWORDS = new Set(
  `ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN BETWEEN BY
  CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE
  CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP
  EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM
  FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD
  INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL
  NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE
  RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW
  ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE
  UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT`.split(/\s+/),
);
