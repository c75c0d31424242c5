import { EXIT } from './exit-codes';
import { Flags } from './oclif';

/**
 * The flags of the lock policy (src/connection/lock-policy.ts), for every command that writes while
 * Watcher's services run. Unset, they fall back to `[database] lock_timeout` and `lock_retries`.
 */
export const lockFlags = {
  'lock-timeout': Flags.custom<number>({
    description: 'Longest wait for a lock held by someone else, in seconds; then the transaction is retried (default: [database] lock_timeout, 2).',
    helpValue: 'SECONDS',
    parse: async (input: string) => {
      const seconds = /^\s*\d+(\.\d+)?\s*$/.test(input) ? Number(input) : Number.NaN;
      if (!(seconds > 0)) {
        // Marked as oclif marks its own parse errors: a usage error, exit 2, one line, no stack.
        throw Object.assign(new Error(`--lock-timeout must be a number of seconds above 0 (got ${JSON.stringify(input)})`), { oclif: { exit: EXIT.USAGE } });
      }
      return seconds;
    },
  })(),
  'lock-retries': Flags.integer({
    min: 0,
    description: 'How often a transaction that lost to a lock conflict is run again (default: [database] lock_retries, 30).',
    helpValue: 'N',
  }),
};
