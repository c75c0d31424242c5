import { RevisionError } from '../errors';
import { Revision } from './revision';

/**
 * The revision graph, loaded from the revision files. Watcher's history is linear, but a developer
 * can create a branch (two revisions with one parent); the chain then has two heads, which we report
 * instead of guessing.
 */
export class RevisionChain {
  readonly revisions: ReadonlyMap<string, Revision>;
  private readonly children = new Map<string | null, Revision[]>();

  constructor(revisions: Revision[]) {
    const byId = new Map<string, Revision>();
    for (const rev of revisions) {
      if (byId.has(rev.id)) throw new RevisionError(`Two revision files declare revision id '${rev.id}'`);
      byId.set(rev.id, rev);
    }
    for (const rev of revisions) {
      if (rev.parent !== null && !byId.has(rev.parent)) {
        throw new RevisionError(`Revision ${rev.id} revises '${rev.parent}', which no revision file declares`);
      }
      const siblings = this.children.get(rev.parent) ?? [];
      siblings.push(rev);
      this.children.set(rev.parent, siblings);
    }
    this.revisions = byId;
  }

  /** Revisions nothing revises. */
  heads(): Revision[] {
    return [...this.revisions.values()].filter((r) => !(this.children.get(r.id)?.length));
  }

  bases(): Revision[] {
    return this.children.get(null) ?? [];
  }

  /** The single head; a branched chain is an error that names the heads. */
  head(): Revision {
    const heads = this.heads();
    if (heads.length === 1) return heads[0];
    if (heads.length === 0) throw new RevisionError('No revisions found');
    throw new RevisionError(
      `The revision chain has ${heads.length} heads (${heads.map((h) => h.id).join(', ')}); ` +
        'merge them into one before upgrading',
    );
  }

  get(id: string): Revision | undefined {
    return this.revisions.get(id);
  }

  /** The revisions from the first to `id`, oldest first. */
  lineage(id: string): Revision[] {
    const path: Revision[] = [];
    for (let rev = this.get(id); rev; rev = rev.parent === null ? undefined : this.get(rev.parent)) path.unshift(rev);
    return path;
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

  /** All revisions newest first (each head's lineage, walked back), as `history` lists them. */
  newestFirst(): Revision[] {
    const seen = new Set<string>();
    const out: Revision[] = [];
    for (const head of this.heads()) {
      for (const rev of this.lineage(head.id).reverse()) {
        if (!seen.has(rev.id)) {
          seen.add(rev.id);
          out.push(rev);
        }
      }
    }
    return out;
  }
}
