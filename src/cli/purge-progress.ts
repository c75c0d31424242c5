import type { PurgeProgress } from '../api/purge';
import { describeDeleted } from '../purge/delete';
import { oclif } from './oclif';

type Action = (typeof import('@oclif/core/lib/ux'))['action'];

/**
 * What a long purge is doing, on a terminal only: oclif's spinner on stderr, its status the current
 * step or how much is deleted so far, counted as the summary counts it (objects, its Total, and the
 * efficacy indicators that go with the action plans). Its last line, once everything is committed,
 * says the summary's numbers. Scripts and cron (no terminal, or --json) see none of it. Stop it
 * before printing a table or asking a question, so the two do not interleave.
 */
export class PurgeProgressDisplay {
  private action?: Action;

  constructor(private readonly enabled: boolean) {}

  update(event: PurgeProgress): void {
    if (!this.enabled) return;
    if (event.stage === 'selecting') {
      this.show('Selecting', event.step);
      return;
    }
    if (event.stage === 'deleted') {
      // The spinner draws its status on a timer: the last one is written by stop(), or never shown.
      if (this.action?.running) this.action.stop(`done, ${describeDeleted(event.deleted, event.planned)} deleted`);
      return;
    }
    const done = 'batch' in event ? `batch ${event.batch} of ${event.batches} committed` : `${event.table} done`;
    this.show('Deleting', `${done}, ${describeDeleted(event.deleted, event.planned)} deleted`);
  }

  stop(): void {
    if (this.action?.running) this.action.stop();
  }

  private show(title: string, status: string): void {
    // Loaded on first use: a purge without a terminal never pays for oclif's ux module.
    this.action ??= oclif.ux.action;
    if (!this.action.running || this.action.task?.action !== title) {
      this.stop();
      this.action.start(title, status, { stdout: false });
    } else {
      this.action.status = status;
    }
  }
}
