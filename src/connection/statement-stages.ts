import type { QueryRunner } from 'typeorm';

/** How a statement is sent: TypeORM's QueryRunner.query, as TypeORM and the revisions call it. */
export type Send = (sql: string, ...rest: unknown[]) => Promise<unknown>;

/**
 * One stage of the way from a statement to the server: given how the stages after it send, it says
 * how it sends. A stage may send the statement as it is, send others before or around it (a LOCK
 * ... NOWAIT, a SET lock_wait_timeout), send it in another form (ALGORITHM=INSTANT), send it again
 * after a lock conflict, watch it while it waits, or keep it instead of sending it (a recording).
 * Stages are plain functions of `next`, so each can be read and tested on its own.
 */
export type Stage = (next: Send) => Send;

/**
 * Routes every statement of `runner` through `stages` (the first one sees the statement as its
 * author wrote it, the last one hands it to the runner's own query) until the returned function is
 * called. This is the one place a runner's `query` is replaced: TypeORM sends its own statements,
 * those its schema operations generate, through `this.query`, so that is where a stage must stand
 * to see them all. Routes nest: a later one stands in front of an earlier one and is removed first.
 */
export function routeThrough(runner: QueryRunner, stages: Stage[]): () => void {
  const self = runner as unknown as { query: Send };
  const own = Object.prototype.hasOwnProperty.call(self, 'query');
  const before = self.query;
  const sink: Send = (...args) => before.apply(runner, args);
  self.query = stages.reduceRight<Send>((next, stage) => stage(next), sink);
  return () => {
    if (own) self.query = before;
    else delete (self as { query?: Send }).query;
  };
}

/** `work`, with every statement it sends through `runner` routed through `stages`. */
export async function withStages<T>(runner: QueryRunner, stages: Stage[], work: () => Promise<T>): Promise<T> {
  const unroute = routeThrough(runner, stages);
  try {
    return await work();
  } finally {
    unroute();
  }
}
