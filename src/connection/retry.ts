import { Logger } from '../log';
import { setTimeout as wait } from 'node:timers/promises';

/** oslo.db's `[database] max_retries` and `retry_interval`, for the initial connection only. */
export interface RetryPolicy {
  /** Retries after the first attempt; -1 retries for ever, 0 tries once. */
  maxRetries: number;
  /** Seconds to wait between attempts. */
  intervalSeconds: number;
}

/** A single attempt, as most callers (and the tests of the core) want it. */
export const NO_RETRY: RetryPolicy = { maxRetries: 0, intervalSeconds: 0 };

export interface RetryHooks {
  /** Whether a failure may go away by itself (a server still starting); others fail at once. */
  isTransient(error: unknown): boolean;
  /** The failure as one line for the warning; must not hold a password. */
  describe(error: unknown): string;
  log: Logger;
  /** Replaced only to observe the waits. */
  sleep?: (ms: number) => Promise<void>;
}


/**
 * Runs `attempt` until it succeeds, a failure is not transient, or the retries are used up; the last
 * failure is rethrown as it was raised. Each retry is announced with one warning, so an operator who
 * started the database and the tool together sees why the tool is waiting.
 */
export async function withRetries<T>(policy: RetryPolicy, hooks: RetryHooks, attempt: () => Promise<T>): Promise<T> {
  const sleep = hooks.sleep ?? ((ms: number) => wait(ms));
  const forever = policy.maxRetries < 0;
  const total = policy.maxRetries + 1;
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if ((!forever && tried >= total) || !hooks.isTransient(error)) throw error;
      const of = forever ? '' : ` of ${total}`;
      hooks.log.warning(`${hooks.describe(error)}; retrying in ${policy.intervalSeconds} s (attempt ${tried + 1}${of})`);
      await sleep(policy.intervalSeconds * 1000);
    }
  }
}
