import { RevisionChain } from './chain';
import { parentsOf, RevisionNode } from './revision';

/**
 * The database's version: the rows of alembic_version, one per branch the database is on, sorted.
 * [] is base; a linear history has one; a database that took two branches before their merge has two.
 */
export type Heads = readonly string[];

/** One row change of alembic_version. */
export type VersionChange = { insert: string } | { delete: string } | { update: { from: string; to: string } };

/** Heads as given in the API's older shape (one id or null) or as a list, sorted. */
export function headsOf(version: Heads | string | null): Heads {
  if (version === null) return [];
  return typeof version === 'string' ? [version] : [...version].sort();
}

/** The version as results and JSON give it: null at base, one id, or the ids of several branches. */
export function versionValue(heads: Heads): string | string[] | null {
  return heads.length === 0 ? null : heads.length === 1 ? heads[0] : [...heads];
}

/** The version for people: `base`, `a`, or `a, b`. */
export function versionText(heads: Heads): string {
  return heads.length === 0 ? 'base' : heads.join(', ');
}

export function sameHeads(a: Heads, b: Heads): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * The rows a revision step changes in alembic_version, from the heads before it, as Alembic's
 * HeadMaintainer (alembic/runtime/migration.py) changes them, so that the table stays what an
 * Alembic-based tool would write at each point:
 * - up, a first revision or one none of whose parents is a head: insert it (a new branch);
 * - up, a merge with several parents among the heads: delete all of them but the last, whose row
 *   becomes the merge (parents that other heads stand on are not heads here and are not touched);
 * - down, a head none of whose parents is left without another head above it: delete it;
 * - down, a merge: its row becomes its last parent not below another head, the others are inserted;
 * - otherwise the one row of the parent (or the revision) is updated to the revision (its parent).
 */
export function versionChanges<T extends RevisionNode>(chain: RevisionChain<T>, heads: Heads, revision: T, direction: 'up' | 'down'): VersionChange[] {
  const current = new Set(heads);
  const parents = parentsOf(revision);
  const belowOthers = (except: string[]) => {
    const below = new Set<string>();
    for (const head of current) if (!except.includes(head)) for (const id of chain.ancestors(head)) below.add(id);
    return below;
  };
  if (direction === 'up') {
    const present = parents.filter((p) => current.has(p));
    if (present.length === 0) return [{ insert: revision.id }];
    if (present.length === 1) return [{ update: { from: present[0], to: revision.id } }];
    const below = belowOthers(parents);
    const from = parents.filter((p) => !below.has(p));
    return [...from.slice(0, -1).map((id) => ({ delete: id })), { update: { from: from[from.length - 1], to: revision.id } }];
  }
  const below = belowOthers([revision.id]);
  const to = parents.filter((p) => !below.has(p));
  if (to.length === 0) return [{ delete: revision.id }];
  return [...to.slice(0, -1).map((id) => ({ insert: id })), { update: { from: revision.id, to: to[to.length - 1] } }];
}

/** The heads after the changes. */
export function applyChanges(heads: Heads, changes: VersionChange[]): Heads {
  const next = new Set(heads);
  for (const change of changes) {
    if ('insert' in change) next.add(change.insert);
    else if ('delete' in change) next.delete(change.delete);
    else {
      next.delete(change.update.from);
      next.add(change.update.to);
    }
  }
  return [...next].sort();
}
