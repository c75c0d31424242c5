/**
 * The exit status of every command, in one table: the CLI exits with these, and the README's table
 * and the man page's EXIT STATUS section are written from it, so the three cannot disagree.
 */
export const EXIT = {
  /** Done; for `check`, the database matches the entities. */
  OK: 0,
  /** An error: a one-line message on stderr says what (the database, the config, the revisions). */
  ERROR: 1,
  /** A usage error: an unknown command or option, a missing or malformed argument. */
  USAGE: 2,
  /** `check` only: the database differs from the entities beyond the known drift (a revision is missing), or an entry of that list is stale. */
  CHECK_DIFFERS: 3,
} as const;
