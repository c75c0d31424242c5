import type { Backend } from './backend';

/**
 * A column's server default, as a revision writes it (SQLAlchemy's `server_default`): a constant
 * of the column's type, or an SQL expression (`sa.text('CURRENT_TIMESTAMP')`). Constants are written
 * as each backend spells them; an expression is passed through, so only the portable ones
 * (CURRENT_TIMESTAMP) keep a revision portable.
 */
export type ServerDefault = string | number | boolean | SqlExpression;

export interface SqlExpression {
  readonly sql: string;
}

/** `sa.text(sql)`: an SQL expression as a default, written as it is. */
export function sqlText(sql: string): SqlExpression {
  return { sql };
}

export function isSqlExpression(value: ServerDefault): value is SqlExpression {
  return typeof value === 'object' && value !== null && typeof (value as SqlExpression).sql === 'string';
}

/**
 * The SQL for a default on `backend`: a string as a literal (MySQL also reads a backslash as an
 * escape), a boolean as the backend stores it (MySQL's BOOLEAN is tinyint(1), SQLite has no booleans),
 * a number as it is written, an expression as it is.
 */
export function defaultSql(backend: Backend, value: ServerDefault): string {
  if (isSqlExpression(value)) return value.sql;
  if (typeof value === 'boolean') return backend === 'postgres' ? String(value) : value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`A default must be a finite number, not ${value}`);
    return String(value);
  }
  const escaped = backend === 'mysql' ? value.replace(/\\/g, '\\\\') : value;
  return `'${escaped.replace(/'/g, "''")}'`;
}

/**
 * Whether SQLite can add a column with this default in place (`ALTER TABLE ... ADD COLUMN`): it
 * refuses an expression ("Cannot add a column with non-constant default"), since every existing row
 * would need its own evaluation of it.
 */
export function isConstantDefault(value: ServerDefault | undefined): boolean {
  return value !== undefined && !isSqlExpression(value);
}
