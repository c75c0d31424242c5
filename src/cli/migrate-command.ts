import { Command, Flags } from './oclif';
import { BaseCommand } from './base-command';
import type { Plan } from '../api/plan';
import { downgrade, DowngradeOptions, migrationScript, MigrateResult, upgrade } from '../api/migrate';
import { MIGRATE_JSON_DESCRIPTION, refuseJsonWithSql, RunJson } from './run-json';
import { RevisionProgressDisplay } from './revision-progress';
import type { RevisionProgress } from '../portable/progress';
import type { RevisionChain } from '../script/chain';
import { UsageError } from '../errors';

export type Direction = 'upgrade' | 'downgrade';

/** --plan and --json, which say the same on upgrade and downgrade. */
export const planAndJsonFlags = {
  plan: Flags.boolean({
    description: "Connect, change nothing, and print each pending statement with its table, lock, rewrite, scan and the table's rows.",
  }),
  json: Flags.boolean({ description: MIGRATE_JSON_DESCRIPTION }),
};

/** The argument and flags upgrade and downgrade both have. */
interface MigrateInput {
  revision?: string;
  sql: boolean;
  plan: boolean;
  json: boolean;
}

/**
 * What upgrade and downgrade share: the revision (argument or --revision), --sql's script, --plan's
 * plan, and the run with its progress on a terminal. Each command keeps its own help text and flags,
 * and what only its direction does (downgrade's data-loss question).
 */
export abstract class MigrateCommand<T extends typeof Command> extends BaseCommand<T> {
  // run() returns the run's result (or --plan's plan); under --json oclif prints it, alone on stdout.
  static enableJsonFlag = true;

  protected abstract readonly direction: Direction;

  /**
   * The target is the argument or --revision, else `fallback`. With --sql, prints the script; with
   * --plan, prints the plan (unless --json) and returns it; else returns what `run` returns.
   */
  protected async scriptPlanOrRun(fallback: string, run: (chain: RevisionChain, target: string) => Promise<RunJson>): Promise<RunJson | Plan | undefined> {
    const { direction } = this;
    const flags = this.flags as MigrateInput;
    const target = pickRevision((this.args as { revision?: string }).revision, flags.revision, fallback);
    const chain = this.chain();
    refuseJsonWithSql(flags.json, flags.sql);
    if (flags.sql) {
      process.stdout.write(await migrationScript(this.connectionUrl(), chain, direction, target, this.lockPolicy()));
      return undefined;
    }
    if (flags.plan) {
      // Loaded for --plan only: the plan's recorder and classifiers are not needed to run revisions.
      const { plan } = require('../api/plan') as typeof import('../api/plan');
      const { renderPlan } = require('./plan-output') as typeof import('./plan-output');
      const [result, backend] = await this.withSession(async (s) => [await plan(s, chain, direction, target, { lockPolicy: this.lockPolicy() }), s.spec.backend] as const);
      if (!this.jsonEnabled()) process.stdout.write(renderPlan(result, backend, direction, chain));
      return result;
    }
    return run(chain, target);
  }

  /**
   * Runs the revisions to `target` with the lock policy, showing a long step's progress on a
   * terminal; `options` are what the direction adds (downgrade's data-loss question).
   */
  protected async runRevisions(chain: RevisionChain, target: string, options: Pick<DowngradeOptions, 'confirmDataLoss'> = {}): Promise<MigrateResult> {
    const display = new RevisionProgressDisplay(Boolean(process.stderr.isTTY));
    const all = { lockPolicy: this.lockPolicy(), onProgress: (p: RevisionProgress) => display.update(p), ...options };
    const direction = this.direction;
    return this.withSession((session) => (direction === 'upgrade' ? upgrade(session, chain, target, all) : downgrade(session, chain, target, all))).finally(() =>
      display.stop(),
    );
  }
}

/** The revision given as argument or --revision (not both, unless equal), else the default. */
export function pickRevision(positional: string | undefined, flag: string | undefined, fallback: string): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UsageError(`Two revisions given: '${positional}' and --revision '${flag}'`);
  }
  return positional ?? flag ?? fallback;
}
