/**
 * One schema change autogenerate found, as a plain value. Every operation knows its exact inverse,
 * so one comparison yields both halves of a revision: `up` is the list, `down` the reversed list of
 * reversed operations (Alembic's MigrationScript does the same with its `reverse()`).
 */
export interface Operation {
  /** A stable name for the kind of change, as `check --json` reports it. */
  readonly kind: string;
  readonly table: string;
  /** One line saying what was detected, in Alembic's words ("Detected added column 'audits.name'"). */
  describe(): string;
  /** The operation that undoes this one. */
  reverse(): Operation;
}

/**
 * The error for reversing an operation built without what it removes: a revision's drop names only
 * the column, index or table, so it cannot say how to make it again (Alembic's "original column is
 * not present"). Autogenerate's drops carry the whole thing and reverse.
 */
export function notReversible(op: Operation): Error {
  return new Error(`${op.kind} on ${op.table} cannot be reversed: what it drops is not known`);
}

/** Quotes a name the way Alembic's messages do. */
export function q(name: string): string {
  return `'${name}'`;
}

export function columnList(columns: string[]): string {
  return `(${columns.join(', ')})`;
}
