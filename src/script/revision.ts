import type { MigrationContext } from '../portable/context';

/** A revision's place in the graph: enough to find heads and parents without loading its code. */
export interface RevisionNode {
  id: string;
  /**
   * The revision(s) this one applies on top of: null for a first revision, several for a merge
   * (Alembic's tuple `down_revision`).
   */
  parent: string | readonly string[] | null;
}

/** A revision's parents as a list: [] for a first revision, one id, or a merge's several. */
export function parentsOf(node: RevisionNode): string[] {
  if (node.parent === null) return [];
  return typeof node.parent === 'string' ? [node.parent] : [...node.parent];
}

/** The parents as Alembic prints them: `<base>`, `a`, or `(a, b)` for a merge. */
export function parentText(node: RevisionNode, base = '<base>'): string {
  const parents = parentsOf(node);
  if (parents.length === 0) return base;
  return parents.length === 1 ? parents[0] : `(${parents.join(', ')})`;
}

/**
 * One revision file in `migrations/`: its place in the chain and the schema change it makes.
 * `up` and `down` get the run's MigrationContext: its TypeORM QueryRunner (`db.runner`), its dialect, and
 * what the runtime lends it; the kit's functions take it first, so one file serves SQLite, PostgreSQL
 * and MySQL.
 */
export interface Revision extends RevisionNode {
  /** Alembic revision id, the value stored in alembic_version. */
  id: string;
  message: string;
  /** When the revision was written, as Alembic's "Create Date" (ISO 8601). */
  created: string;
  up(db: MigrationContext): Promise<void>;
  down(db: MigrationContext): Promise<void>;
}

/** Identity function that gives revision files a checked type without a class to extend. */
export function defineRevision(revision: Revision): Revision {
  return revision;
}
