import type { Backend } from '../dialect/backend';
import { dialectFor } from '../dialect';

/*
 * Reading a DATETIME column as text, the same on every backend and whatever the driver's settings:
 * pg and mysql2 turn DATETIME values into JS Dates (shifted by the client's time zone unless
 * configured otherwise), better-sqlite3 returns the text SQLite stores. So the servers format the
 * value themselves and we read a string.
 */

/** SQL that renders the DATETIME expression `expr` as `YYYY-MM-DD HH:MM:SS.ffffff` (Dialect.datetimeAsText). */
export function datetimeAsText(backend: Backend, expr: string): string {
  return dialectFor(backend).datetimeAsText(expr);
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

/**
 * SQL giving, row by row, exactly what `pythonDatetimeText(<datetimeAsText(backend, expr) read back>)`
 * gives, so that a set-based statement writes what a row-by-row loop over datetimeAsText would
 * (Dialect.pythonDatetimeSql says how each backend does it).
 */
export function pythonDatetimeSql(backend: Backend, expr: string): string {
  return dialectFor(backend).pythonDatetimeSql(expr);
}
