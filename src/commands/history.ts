import { BaseCommand } from '../cli/base-command';
import { formatHistoryLine, formatHistoryVerbose, history, HistoryEntry } from '../api/history';
import { currentVersion } from '../api/version';
import { NO_RETRY, RetryPolicy } from '../connection/retry';

export default class History extends BaseCommand<typeof History> {
  static summary = 'List the revisions, newest first, marking the head and the current revision.';
  static description =
    'With -v, each revision shows its parent and creation date. The current revision is read from the database; when it cannot be reached the list is shown without it and a warning says why.';
  static examples = ['<%= config.bin %> history', '<%= config.bin %> history -v', '<%= config.bin %> history --json'];
  static enableJsonFlag = true;

  /** The current revision only decorates the list: one attempt, not oslo.db's minutes of waiting. */
  protected retryPolicy(): RetryPolicy {
    return NO_RETRY;
  }

  async run(): Promise<{ revisions: { id: string; parent: string | string[] | null; message: string; created: string; head: boolean; current: boolean }[] }> {
    const chain = this.chain();
    let current: string[] | undefined;
    try {
      current = (await this.withDriverSession(currentVersion)).heads;
    } catch (error) {
      this.logger.warning(`Cannot mark the current revision: ${(error as Error).message}`);
    }
    const entries: HistoryEntry[] = history(chain, current);
    for (const entry of entries) this.log(this.flags.verbose ? formatHistoryVerbose(entry) : formatHistoryLine(entry));
    return {
      revisions: entries.map((e) => ({ id: e.id, parent: e.parents.length > 1 ? e.parents : (e.parents[0] ?? null), message: e.message, created: e.created, head: e.isHead, current: e.isCurrent })),
    };
  }
}
