import type { RevisionProgress } from '../portable/progress';
import { oclif } from './oclif';

type Action = (typeof import('@oclif/core/lib/ux'))['action'];

/** A step that is over sooner shows nothing: most upgrades name a handful of audits, or none. */
const SHOW_AFTER_MS = 2000;

/**
 * How far a long step of a revision has got (rows done / total), on a terminal only: oclif's spinner
 * on stderr, which keeps the log lines above it. Scripts and cron (no terminal) see none of it.
 */
export class RevisionProgressDisplay {
  private action?: Action;
  private step?: { what: string; since: number };
  private status = '';

  constructor(
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  update(event: RevisionProgress): void {
    if (!this.enabled) return;
    if (this.step?.what !== event.what) {
      this.stop();
      this.step = { what: event.what, since: this.now() };
    }
    this.status = `${event.done.toLocaleString('en-US')} / ${event.total.toLocaleString('en-US')}`;
    const finished = event.done >= event.total;
    if (!this.action?.running) {
      if (finished || this.now() - this.step.since < SHOW_AFTER_MS) return;
      // Loaded on first use: a run with no long step never pays for oclif's ux module.
      this.action ??= oclif.ux.action;
      this.action.start(event.what, this.status, { stdout: false });
    } else {
      this.action.status = this.status;
    }
    // A step can end short of its total (rows it leaves alone): then it ends when the command does.
    if (finished) this.stop();
  }

  stop(): void {
    if (this.action?.running) this.action.stop(this.status);
    this.step = undefined;
  }
}
