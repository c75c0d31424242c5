import type { Backend } from './backend';

/*
 * Reading a DATETIME column as text, the same on every backend and whatever the driver's settings:
 * pg and mysql2 turn DATETIME values into JS Dates (shifted by the client's time zone unless
 * configured otherwise), better-sqlite3 returns the text SQLite stores. So the servers format the
 * value themselves and we read a string.
 */

/**
 * SQL that renders the DATETIME expression `expr` as `YYYY-MM-DD HH:MM:SS.ffffff` on the servers.
 * SQLite has no DATETIME type: the column holds the text its writer stored (SQLAlchemy writes
 * `YYYY-MM-DD HH:MM:SS.ffffff`), which is returned as it is and normalised by pythonDatetimeText.
 */
export function datetimeAsText(backend: Backend, expr: string): string {
  switch (backend) {
    case 'postgres':
      return `to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'mysql':
      return `DATE_FORMAT(${expr}, '%Y-%m-%d %H:%i:%s.%f')`;
    case 'sqlite':
      return expr;
  }
}

/**
 * What Python's `str(datetime)` prints for the value: `YYYY-MM-DD HH:MM:SS`, followed by `.ffffff` only
 * when the microseconds are not zero; `None` for NULL, as `str(None)`. Text that is not a date and time
 * (SQLite accepts anything) is returned unchanged.
 */
export function pythonDatetimeText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  const text = String(value);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return text;
  const micro = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
  return /^0*$/.test(micro) ? `${m[1]} ${m[2]}` : `${m[1]} ${m[2]}.${micro}`;
}

const PG_FULL = `'YYYY-MM-DD HH24:MI:SS.US'`;
const PG_SECONDS = `'YYYY-MM-DD HH24:MI:SS'`;
const MY_FULL = `'%Y-%m-%d %H:%i:%s.%f'`;
const MY_SECONDS = `'%Y-%m-%d %H:%i:%s'`;

/**
 * The characters JavaScript's String.prototype.trim removes (white space and line terminators), as
 * SQLite char() arguments: SQLite's trim() removes only spaces unless told which characters.
 */
const JS_TRIMMED = [9, 10, 11, 12, 13, 32, 160, 5760, ...Array.from({ length: 11 }, (_, i) => 8192 + i), 8232, 8233, 8239, 8287, 12288, 65279];

/** SQLite GLOB for `YYYY-MM-DD HH:MM:SS` (or with `T`), ASCII digits only, as the regular expression's \d. */
const SQLITE_SECONDS_GLOB = `'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]'`;

/** What SQLAlchemy writes into a SQLite DATETIME: `YYYY-MM-DD HH:MM:SS.ffffff`, always six digits. */
const SQLITE_SQLALCHEMY_GLOB = `'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'`;

/**
 * SQL giving, row by row, exactly what `pythonDatetimeText(<datetimeAsText(backend, expr) read back>)`
 * gives, so that a set-based statement writes what a row-by-row loop over datetimeAsText would:
 * - PostgreSQL: to_char yields NULL for ±infinity (hence 'None'), and years past 9999 have five
 *   digits, which the text form does not match (hence kept whole, `.ffffff` included);
 * - MySQL: DATE_FORMAT always gives a four-digit year, zero dates included;
 * - SQLite: whatever the writer stored, read as text (integers as their digits; a REAL is written
 *   with SQLite's 15 significant digits where JavaScript would write the shortest exact form, the
 *   only case that can differ, and not one a DATETIME writer produces): trimmed of JavaScript's white
 *   space, `YYYY-MM-DD[ T]HH:MM:SS[.digits]` becomes Python's form (fraction padded or cut to six
 *   digits, dropped when those are zero); anything else stays as stored.
 */
export function pythonDatetimeSql(backend: Backend, expr: string): string {
  switch (backend) {
    case 'postgres':
      return (
        `CASE WHEN ${expr} IS NULL OR NOT isfinite(${expr}) THEN 'None' ` +
        `WHEN ${expr} >= '10000-01-01' OR date_trunc('second', ${expr}) <> ${expr} THEN to_char(${expr}, ${PG_FULL}) ` +
        `ELSE to_char(${expr}, ${PG_SECONDS}) END`
      );
    case 'mysql':
      return `CASE WHEN ${expr} IS NULL THEN 'None' WHEN MICROSECOND(${expr}) = 0 THEN DATE_FORMAT(${expr}, ${MY_SECONDS}) ELSE DATE_FORMAT(${expr}, ${MY_FULL}) END`;
    case 'sqlite': {
      const text = `CAST(${expr} AS TEXT)`;
      const t = `trim(${text}, char(${JS_TRIMMED.join(', ')}))`;
      const fraction = `substr(${t}, 21)`;
      const matches =
        `substr(${t}, 1, 19) GLOB ${SQLITE_SECONDS_GLOB} AND ` +
        `(length(${t}) = 19 OR (substr(${t}, 20, 1) = '.' AND length(${t}) > 20 AND ${fraction} NOT GLOB '*[^0-9]*'))`;
      const micro = `substr(${fraction} || '000000', 1, 6)`;
      const seconds = `substr(${t}, 1, 10) || ' ' || substr(${t}, 12, 8)`;
      // What SQLAlchemy writes goes the short way: SQLite evaluates each repetition of an
      // expression anew, and the general form repeats the trimmed text a dozen times.
      return (
        `CASE WHEN ${expr} IS NULL THEN 'None' ` +
        `WHEN ${expr} GLOB ${SQLITE_SQLALCHEMY_GLOB} THEN (CASE WHEN substr(${expr}, 21) = '000000' THEN substr(${expr}, 1, 19) ELSE ${expr} END) ` +
        `WHEN NOT (${matches}) THEN ${text} ` +
        `WHEN ${micro} = '000000' THEN ${seconds} ELSE ${seconds} || '.' || ${micro} END`
      );
    }
  }
}
