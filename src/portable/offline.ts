import type { MigrationContext } from './context';

/**
 * Offline runs hand revisions a query runner that records SQL instead of sending it and answers
 * every read with nothing. Revisions that must read data to decide what to write ask here, and emit
 * a set-based statement instead.
 *
 * Two uses: a script (`--sql`), which someone runs later where nobody answers, so each change is
 * written in its plain form; and the run's own statements recorded for `--plan`, which are the
 * forms the run sends (MariaDB's ALGORITHM= tried in turn, each refusal answered by the plan's
 * reading of the server).
 */
export type OfflineUse = 'script' | 'run';

export function isOffline(db: MigrationContext): boolean {
  return db.offline !== undefined;
}

/** Whether the statements are written for a script: no form a server may refuse, nobody to answer. */
export function writesScript(db: MigrationContext): boolean {
  return db.offline === 'script';
}

/**
 * The parameters of a statement the run sends once per range of keys, each with its own bounds (a
 * batched data change): recorded for the plan as it is written, its placeholders standing for each
 * range's bounds. Passed to `query` as the statement's parameters, so it travels with the statement.
 */
export const EACH_RANGE: readonly unknown[] = Object.freeze([]);

/** The parameters of a note for a script's reader (noteInScript): recorded as a comment, never sent. */
export const SCRIPT_NOTE: readonly unknown[] = Object.freeze([]);

/**
 * In a script, a comment just before the statements that follow, saying what the run does there that
 * a script cannot (answer a refusal, commit range by range, count rows): the script differs from the
 * run only where it says so. The run and its plan get nothing.
 */
export async function noteInScript(db: MigrationContext, text: string): Promise<void> {
  if (writesScript(db)) await db.runner.query(text, SCRIPT_NOTE as unknown[]);
}
