import { isSqlExpression, ServerDefault, sqlText } from './server-default';
import { ColumnType } from './model';

/*
 * Defaults are compared by meaning, not by spelling: each backend gives a default back in its own
 * words (PostgreSQL `'a'::character varying`, MariaDB `current_timestamp()`, MySQL `0` for false),
 * and the entities give it as a JavaScript value.
 */

/** Spellings of the current time that every backend reads as CURRENT_TIMESTAMP. */
const CURRENT_TIMESTAMP = /^(current_timestamp(\s*\(\s*\))?|now\s*\(\s*\)|localtimestamp(\s*\(\s*\))?)$/i;

/** The one spelling of an expression: CURRENT_TIMESTAMP for the current time, else as written. */
export function canonicalExpression(sql: string): string {
  const trimmed = sql.trim();
  return CURRENT_TIMESTAMP.test(trimmed) ? 'CURRENT_TIMESTAMP' : trimmed;
}

/** A default in the terms of the column's type, so that `0` and `false` on a Boolean are one value. */
function canonical(type: ColumnType, value: ServerDefault): string {
  if (isSqlExpression(value)) return `expr:${canonicalExpression(value.sql)}`;
  switch (type.kind) {
    case 'integer':
    case 'numeric':
    case 'float': {
      const n = Number(value);
      return Number.isFinite(n) && String(value).trim() !== '' ? `num:${n}` : `text:${String(value)}`;
    }
    case 'boolean':
      if (value === true || value === 1 || /^(1|true|t)$/i.test(String(value))) return 'bool:true';
      if (value === false || value === 0 || /^(0|false|f)$/i.test(String(value))) return 'bool:false';
      return `text:${String(value)}`;
    default:
      return `text:${String(value)}`;
  }
}

export function sameDefault(type: ColumnType, a: ServerDefault | undefined, b: ServerDefault | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonical(type, a) === canonical(type, b);
}

/** For messages: `0`, `'low'`, `CURRENT_TIMESTAMP`, `none`. */
export function describeDefault(value: ServerDefault | undefined): string {
  if (value === undefined) return 'none';
  if (isSqlExpression(value)) return canonicalExpression(value.sql);
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/**
 * A default as an entity declares it (TypeORM's `default`): a constant, or a function returning SQL
 * (`() => 'CURRENT_TIMESTAMP'`). null means none, as for TypeORM.
 */
export function defaultOfEntity(value: unknown): ServerDefault | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return sqlText(canonicalExpression(String((value as () => unknown)())));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`a default of type ${typeof value} has no portable form`);
}

/**
 * A default as a catalog gives it back in SQL (PostgreSQL's column_default, MariaDB's
 * COLUMN_DEFAULT, SQLite's dflt_value): `'text'` with its quotes doubled, a number, a boolean, NULL
 * (none), or an expression. PostgreSQL's casts (`'a'::character varying`) and wrapping parentheses
 * are dropped.
 */
export function defaultOfSql(text: string | null | undefined): ServerDefault | undefined {
  if (text === null || text === undefined) return undefined;
  let sql = text.trim();
  for (;;) {
    const uncast = sql.replace(/::[a-z_ ]+(\(\d+(,\s*\d+)?\))?(\[\])?$/i, '').trim();
    const unwrapped = /^\((.*)\)$/s.test(uncast) && balanced(uncast.slice(1, -1)) ? uncast.slice(1, -1).trim() : uncast;
    if (unwrapped === sql) break;
    sql = unwrapped;
  }
  if (/^null$/i.test(sql)) return undefined;
  const quoted = /^'((?:[^']|'')*)'$/s.exec(sql);
  if (quoted) return quoted[1].replace(/''/g, "'");
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(sql)) return Number(sql);
  if (/^(true|false)$/i.test(sql)) return sql.toLowerCase() === 'true';
  return sqlText(canonicalExpression(sql));
}

/** Whether the parentheses of `text` (outside quotes) pair up, so that `(a) + (b)` is not unwrapped. */
function balanced(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && --depth < 0) return false;
  }
  return depth === 0 && !quoted;
}

/**
 * A default read back from a database in the terms of its column's type: a number for a numeric
 * column (PostgreSQL gives `'-5'::integer` back as a quoted string), a boolean for a Boolean one
 * (MySQL and SQLite store 1 and 0), so that a revision that restores the column writes it as a
 * developer would.
 */
export function defaultOfType(type: ColumnType, value: ServerDefault | undefined): ServerDefault | undefined {
  if (value === undefined || isSqlExpression(value)) return value;
  const key = canonical(type, value);
  if (key.startsWith('num:')) return Number(key.slice(4));
  if (key.startsWith('bool:')) return key === 'bool:true';
  return value;
}
