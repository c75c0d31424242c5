import type { QueryRunner } from 'typeorm';

/** How far a long step of a revision has got (a data change over many rows). */
export interface RevisionProgress {
  /** What is being done: "naming audits". */
  what: string;
  done: number;
  total: number;
}

export type ProgressListener = (progress: RevisionProgress) => void;

const LISTENER = Symbol.for('watcher-db-manage.progress');

/** Set by the runtime on the runner it hands revisions; undefined clears it. */
export function setProgressListener(queryRunner: QueryRunner, listener: ProgressListener | undefined): void {
  (queryRunner as unknown as Record<symbol, unknown>)[LISTENER] = listener;
}

/** A revision tells how far it has got; nobody may be listening. */
export function reportProgress(queryRunner: QueryRunner, progress: RevisionProgress): void {
  const listener = (queryRunner as unknown as Record<symbol, unknown>)[LISTENER] as ProgressListener | undefined;
  listener?.(progress);
}
