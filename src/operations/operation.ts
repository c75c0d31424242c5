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
 * The error for reversing an operation built without what it replaces: a revision's drop names only
 * the column, index or table, and its new server default does not say the old one, so neither can
 * say how to go back (Alembic's "original column is not present"). Autogenerate's carry it all.
 */
export function notReversible(op: Operation): Error {
  return new Error(`${op.kind} on ${op.table} cannot be reversed: it does not carry what it replaces`);
}

/** Quotes a name the way Alembic's messages do. */
export function q(name: string): string {
  return `'${name}'`;
}

export function columnList(columns: string[]): string {
  return `(${columns.join(', ')})`;
}
