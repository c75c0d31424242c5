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
 * Whether SQLite can add a column with this default in place (`ALTER TABLE ... ADD COLUMN`): it
 * refuses an expression ("Cannot add a column with non-constant default"), since every existing row
 * would need its own evaluation of it.
 */
export function isConstantDefault(value: ServerDefault | undefined): boolean {
  return value !== undefined && !isSqlExpression(value);
}
