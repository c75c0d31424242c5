import { RevisionChain } from '../script/chain';
import { parentsOf, parentText, Revision } from '../script/revision';
import { headsOf } from '../script/heads';

export interface HistoryEntry {
  id: string;
  /** Several for a merge revision. */
  parents: string[];
  message: string;
  created: string;
  isHead: boolean;
  isCurrent: boolean;
  /** Two revisions or more revise this one: the chain branches here. */
  isBranchPoint: boolean;
}

/** The chain newest first, as `history` lists it, with the heads and the database's revision(s) marked. */
export function history(chain: RevisionChain, current: readonly string[] | string | null | undefined): HistoryEntry[] {
  const currents = new Set(current === undefined ? [] : headsOf(current));
  const heads = new Set(chain.heads().map((h) => h.id));
  return chain.newestFirst().map((rev: Revision) => ({
    id: rev.id,
    parents: parentsOf(rev),
    message: rev.message,
    created: rev.created,
    isHead: heads.has(rev.id),
    isCurrent: currents.has(rev.id),
    isBranchPoint: chain.childrenOf(rev.id).length > 1,
  }));
}

/** Alembic's tree marks: a revision two others revise, a revision with several parents. */
function treeMarks(entry: HistoryEntry): string {
  return `${entry.isBranchPoint ? ' (branchpoint)' : ''}${entry.parents.length > 1 ? ' (mergepoint)' : ''}`;
}

/** The parents as Alembic writes them: `<base>`, `a`, or `a, b` for a merge. */
function parentsText(entry: HistoryEntry): string {
  return parentText({ id: entry.id, parent: entry.parents }).replace(/^\((.*)\)$/, '$1');
}

/** One line per revision, in Alembic's form: `parent -> id (head) (current) (mergepoint), message`. */
export function formatHistoryLine(entry: HistoryEntry): string {
  const marks = `${entry.isHead ? ' (head)' : ''}${entry.isCurrent ? ' (current)' : ''}${treeMarks(entry)}`;
  return `${parentsText(entry)} -> ${entry.id}${marks}, ${entry.message}`;
}

/** Alembic's verbose block: revision, parent(s), marks and dates. */
export function formatHistoryVerbose(entry: HistoryEntry): string {
  const marks = `${entry.isHead ? ' (head)' : ''}${treeMarks(entry)}${entry.isCurrent ? ' (current)' : ''}`;
  return [
    `Rev: ${entry.id}${marks}`,
    `${entry.parents.length > 1 ? 'Merges' : 'Parent'}: ${parentsText(entry)}`,
    '',
    `    ${entry.message}`,
    '',
    `    Revision ID: ${entry.id}`,
    `    Revises: ${entry.parents.join(', ')}`,
    `    Create Date: ${entry.created}`,
    '',
  ].join('\n');
}
