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

/** `revision -m MSG`: an empty revision on top of the chain's single head. */
export function createRevision(chain: RevisionChain<RevisionNode>, options: RevisionOptions): RevisionResult {
  if (!options.message.trim()) throw new UsageError('A revision needs a message: revision -m "what it changes"');
  const parent = chain.revisions.size === 0 ? null : chain.head().id;
  const id = options.id ?? newRevisionId();
  if (chain.get(id)) throw new UserError(`Revision id ${id} already exists`);
  const file = writeRevision(
    { id, parent, message: options.message, created: options.created ?? new Date(), ...options.body },
    newRevisionDir(options.migrationsDir),
  );
  return { id, parent, file };
}
