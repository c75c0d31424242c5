import type { QueryRunner } from 'typeorm';
import type { TransactionControl } from '../../src/portable/outside-transaction';

/**
 * The way out of a revision's transaction, as the runtime lends it to the kit (run-guard.ts), without
 * the run's lock and notes: commit the work so far, run the step outside any transaction, open a new
 * one for what follows.
 */
export function commitAround(runner: QueryRunner): TransactionControl {
  return {
    outside: async (work) => {
      await runner.commitTransaction();
      try {
        return await work();
      } finally {
        await runner.startTransaction();
      }
    },
  };
}
