import { Dialect } from './dialect';

/**
 * SQLite keeps the CREATE TABLE text as written, so ours follows SQLAlchemy's layout. An INTEGER
 * primary key is the rowid and numbers itself; like SQLAlchemy we do not add AUTOINCREMENT.
 */
export class SqliteDialect extends Dialect {
  readonly backend = 'sqlite' as const;
  readonly displayName = 'SQLite';

  /**
   * Quotes only where SQLite needs it, as SQLAlchemy does: the stored CREATE text then reads like
   * the reference's, and the sqlite3 shell does not show quoted tables as "CREATE TABLE IF NOT EXISTS".
   */
  quote(identifier: string): string {
    if (/^[a-z_][a-z0-9_]*$/.test(identifier) && !SQLITE_KEYWORDS.has(identifier.toUpperCase())) return identifier;
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  protected readonly typeNames = {
    integer: 'INTEGER',
    text: 'TEXT',
    datetime: 'DATETIME',
    boolean: 'BOOLEAN',
    numeric: 'NUMERIC',
    binary: 'BLOB',
  };

  /** SQLite has one floating type; SQLAlchemy writes FLOAT whatever the precision. */
  protected renderFloat(): string {
    return 'FLOAT';
  }

  placeholder(): string {
    return '?';
  }

  tableExistsQuery(table: string): { sql: string; parameters: unknown[] } {
    return { sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", parameters: [table] };
  }
}

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
