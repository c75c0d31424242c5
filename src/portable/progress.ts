import type { MigrationContext } from './context';

/** How far a long step of a revision has got (a data change over many rows). */
export interface RevisionProgress {
  /** What is being done: "naming audits". */
  what: string;
  done: number;
  total: number;
}

export type ProgressListener = (progress: RevisionProgress) => void;

/** A revision tells how far it has got; nobody may be listening. */
export function reportProgress(db: MigrationContext, progress: RevisionProgress): void {
  db.onProgress?.(progress);
}
