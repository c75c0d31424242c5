import { RevisionChain } from '../script/chain';
import { parentsOf, parentText, Revision } from '../script/revision';

/** Alembic's mark for a merge point. */
function mergeMark(entry: HistoryEntry): string {
  return entry.parents.length > 1 ? ' (mergepoint)' : '';
}

export interface HistoryEntry {
  id: string;
  /** Several for a merge revision. */
  parents: string[];
  message: string;
  created: string;
  isHead: boolean;
  isCurrent: boolean;
}

/** The chain newest first, as `history` lists it, with the head and the database's revision marked. */
export function history(chain: RevisionChain, current: string | null | undefined): HistoryEntry[] {
  const heads = new Set(chain.heads().map((h) => h.id));
  return chain.newestFirst().map((rev: Revision) => ({
    id: rev.id,
    parents: parentsOf(rev),
    message: rev.message,
    created: rev.created,
    isHead: heads.has(rev.id),
    isCurrent: current === rev.id,
  }));
}

/** One line per revision, in Alembic's form: `parent -> id (head) (current), message`. */
export function formatHistoryLine(entry: HistoryEntry): string {
  const marks = `${entry.isHead ? ' (head)' : ''}${entry.isCurrent ? ' (current)' : ''}`;
  return `${parentText({ id: entry.id, parent: entry.parents })} -> ${entry.id}${marks}${mergeMark(entry)}, ${entry.message}`;
}

/** Alembic's verbose block: revision, parent, marks and dates. */
export function formatHistoryVerbose(entry: HistoryEntry): string {
  const marks = `${entry.isHead ? ' (head)' : ''}${entry.isCurrent ? ' (current)' : ''}${mergeMark(entry)}`;
  return [
    `Rev: ${entry.id}${marks}`,
    `${entry.parents.length > 1 ? 'Merges' : 'Parent'}: ${parentText({ id: entry.id, parent: entry.parents })}`,
    '',
    `    ${entry.message}`,
    '',
    `    Revision ID: ${entry.id}`,
    `    Revises: ${entry.parents.join(', ')}`,
    `    Create Date: ${entry.created}`,
    '',
  ].join('\n');
}
