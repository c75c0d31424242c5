import { RevisionChain } from '../script/chain';
import { Revision } from '../script/revision';

export interface HistoryEntry {
  id: string;
  parent: string | null;
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
    parent: rev.parent,
    message: rev.message,
    created: rev.created,
    isHead: heads.has(rev.id),
    isCurrent: current === rev.id,
  }));
}

/** One line per revision, in Alembic's form: `parent -> id (head) (current), message`. */
export function formatHistoryLine(entry: HistoryEntry): string {
  const marks = `${entry.isHead ? ' (head)' : ''}${entry.isCurrent ? ' (current)' : ''}`;
  return `${entry.parent ?? '<base>'} -> ${entry.id}${marks}, ${entry.message}`;
}

/** Alembic's verbose block: revision, parent, marks and dates. */
export function formatHistoryVerbose(entry: HistoryEntry): string {
  const marks = `${entry.isHead ? ' (head)' : ''}${entry.isCurrent ? ' (current)' : ''}`;
  return [
    `Rev: ${entry.id}${marks}`,
    `Parent: ${entry.parent ?? '<base>'}`,
    '',
    `    ${entry.message}`,
    '',
    `    Revision ID: ${entry.id}`,
    `    Revises: ${entry.parent ?? ''}`,
    `    Create Date: ${entry.created}`,
    '',
  ].join('\n');
}
