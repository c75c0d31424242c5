import { UsageError, UserError } from '../errors';
import { RevisionChain } from '../script/chain';
import { RevisionNode } from '../script/revision';
import { readRevisionHeaders } from '../script/source-headers';
import { newRevisionDir } from '../script/new-revision-dir';
import { newRevisionId, writeRevision } from '../script/write-revision';

export interface RevisionOptions {
  message: string;
  migrationsDir?: string;
  /** For tests and tools: a fixed id and date. */
  id?: string;
  created?: Date;
  /** Bodies for `up` and `down` and the imports they need (autogenerate); empty by default. */
  body?: { up: string[]; down: string[]; imports: string[] };
}

export interface RevisionResult {
  id: string;
  parent: string | readonly string[] | null;
  file: string;
}

/**
 * The revisions of the directory a new revision goes into, from the files' headers: compiled or not,
 * so that a revision written a minute ago is the next one's parent (no build between them).
 */
export function revisionsToWriteOnto(migrationsDir?: string): RevisionChain<RevisionNode> {
  return new RevisionChain(readRevisionHeaders(newRevisionDir(migrationsDir)));
}

/**
 * `merge -m MSG [REV ...]`: an empty revision whose parents are the given revisions (ids or unique
 * prefixes; all the heads by default), as Alembic's merge writes one. Upgrading through it joins the
 * branches: a database on one of them runs the other's revisions, then the merge.
 */
export function createMerge(chain: RevisionChain<RevisionNode>, options: Omit<RevisionOptions, 'body'> & { revisions?: string[] }): RevisionResult {
  if (!options.message.trim()) throw new UsageError('A merge needs a message: merge -m "merge heads"');
  const given = options.revisions ?? [];
  const parents = given.length > 0 ? [...new Set(given.map((spec) => resolveId(chain, spec)))] : chain.heads().map((h) => h.id);
  if (parents.length < 2) {
    throw new UserError(
      given.length > 0
        ? 'A merge needs two revisions or more: merge -m MSG REV1 REV2'
        : `There is nothing to merge: the revision chain has ${parents.length} head(s)${parents.length ? ` (${parents[0]})` : ''}; 'revision -m MSG' adds a revision`,
    );
  }
  for (const id of parents) {
    const below = parents.find((other) => other !== id && chain.ancestors(other).has(id));
    if (below) throw new UserError(`Revision ${id} is below ${below}: a merge joins revisions of separate branches`);
  }
  return createRevision(chain, { ...options, parents });
}

/** An id or a unique prefix; `head`/`base` name no branch to merge. */
function resolveId(chain: RevisionChain<RevisionNode>, spec: string): string {
  if (['head', 'heads', 'base'].includes(spec.trim())) throw new UsageError(`merge takes revision ids, not '${spec}' (no REV merges all the heads)`);
  return chain.resolve(spec)!;
}

/** `revision -m MSG`: an empty revision on top of the chain's single head. */
export function createRevision(chain: RevisionChain<RevisionNode>, options: RevisionOptions & { parents?: string[] }): RevisionResult {
  if (!options.message.trim()) throw new UsageError('A revision needs a message: revision -m "what it changes"');
  const parent = options.parents ?? (chain.revisions.size === 0 ? null : chain.head().id);
  const id = options.id ?? newRevisionId();
  if (chain.get(id)) throw new UserError(`Revision id ${id} already exists`);
  const file = writeRevision(
    { id, parent, message: options.message, created: options.created ?? new Date(), ...options.body },
    newRevisionDir(options.migrationsDir),
  );
  return { id, parent, file };
}
