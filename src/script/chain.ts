import { RevisionError } from '../errors';
import { parentsOf, Revision, RevisionNode } from './revision';

/**
 * The revision graph, loaded from the revision files (or only their headers: see source-headers.ts).
 * Watcher's history is linear, but two developers may each add a revision on the same parent: the
 * graph then has two heads until a merge revision (one with several parents, `merge`) joins them.
 */
export class RevisionChain<T extends RevisionNode = Revision> {
  readonly revisions: ReadonlyMap<string, T>;
  private readonly children = new Map<string | null, T[]>();

  constructor(revisions: T[]) {
    const byId = new Map<string, T>();
    for (const rev of revisions) {
      if (byId.has(rev.id)) throw new RevisionError(`Two revision files declare revision id '${rev.id}'`);
      byId.set(rev.id, rev);
    }
    for (const rev of revisions) {
      const parents = parentsOf(rev);
      for (const parent of parents) {
        if (!byId.has(parent)) throw new RevisionError(`Revision ${rev.id} revises '${parent}', which no revision file declares`);
      }
      for (const parent of parents.length ? parents : [null]) {
        const siblings = this.children.get(parent) ?? [];
        siblings.push(rev);
        this.children.set(parent, siblings);
      }
    }
    this.revisions = byId;
    this.topological(); // a cycle is an error at load, not a hang later
  }

  /** Revisions nothing revises. */
  heads(): T[] {
    return [...this.revisions.values()].filter((r) => !this.children.get(r.id)?.length);
  }

  bases(): T[] {
    return this.children.get(null) ?? [];
  }

  /** The revisions that revise `id` (null: the first revisions). */
  childrenOf(id: string | null): T[] {
    return this.children.get(id) ?? [];
  }

  /** The single head; a branched chain is an error that names the heads and the command that joins them. */
  head(): T {
    const heads = this.heads();
    if (heads.length === 1) return heads[0];
    if (heads.length === 0) throw new RevisionError('No revisions found');
    throw new RevisionError(
      `The revision chain has ${heads.length} heads (${heads.map((h) => h.id).join(', ')}); ` +
        `join them with a merge revision first: watcher-db-manage merge -m "merge heads"`,
    );
  }

  get(id: string): T | undefined {
    return this.revisions.get(id);
  }

  /** `id` and every revision below it (its parents, theirs, ...). */
  ancestors(id: string): Set<string> {
    return reachable(id, (next) => {
      const rev = this.get(next);
      return rev ? parentsOf(rev) : [];
    });
  }

  /** `id` and every revision above it. */
  descendants(id: string): Set<string> {
    return reachable(id, (next) => this.childrenOf(next).map((c) => c.id));
  }

  /** The revisions from the first to `id`, oldest first (every ancestor, parents before children). */
  lineage(id: string): T[] {
    const wanted = this.ancestors(id);
    return this.topological().filter((r) => wanted.has(r.id));
  }

  /**
   * Every revision, parents before children; among revisions ready at once, in the order of their
   * files, so a linear chain comes out as it is written.
   */
  topological(): T[] {
    const waiting = new Map<string, number>();
    for (const rev of this.revisions.values()) waiting.set(rev.id, parentsOf(rev).length);
    const ready = [...this.revisions.values()].filter((r) => waiting.get(r.id) === 0);
    const out: T[] = [];
    while (ready.length) {
      const rev = ready.shift()!;
      out.push(rev);
      for (const child of this.childrenOf(rev.id)) {
        const left = waiting.get(child.id)! - 1;
        waiting.set(child.id, left);
        if (left === 0) ready.push(child);
      }
    }
    if (out.length !== this.revisions.size) {
      const stuck = [...this.revisions.keys()].filter((id) => !out.some((r) => r.id === id));
      throw new RevisionError(`The revisions ${stuck.join(', ')} revise each other in a cycle`);
    }
    return out;
  }

  /**
   * Resolves what a user typed to a revision id, or null for `base`: `head`, `base`, a full id or a
   * unique prefix of one. Relative forms (`+2`, `-1`) are resolved by the runtime, which knows the
   * current revision.
   */
  resolve(spec: string): string | null {
    const wanted = spec.trim();
    if (wanted === 'head' || wanted === 'heads') return this.head().id;
    if (wanted === 'base') return null;
    if (this.revisions.has(wanted)) return wanted;
    const candidates = [...this.revisions.keys()].filter((id) => id.startsWith(wanted));
    if (wanted.length > 0 && candidates.length === 1) return candidates[0];
    if (candidates.length > 1 && wanted.length > 0) {
      throw new RevisionError(`Revision '${wanted}' is ambiguous; it could be ${candidates.sort().join(', ')}`);
    }
    throw new RevisionError(
      `No such revision '${wanted}'; known revisions: head, base, ${[...this.revisions.keys()].join(', ')}`,
    );
  }

  /** All revisions newest first (children before parents), as `history` lists them. */
  newestFirst(): T[] {
    return this.topological().reverse();
  }
}

/** `start` and every id reached from it by following `step`, each once. */
function reachable(start: string, step: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...step(next));
  }
  return seen;
}
