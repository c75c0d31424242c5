import { Args, Flags } from '../cli/oclif';
import { BaseCommand } from '../cli/base-command';
import { lockFlags } from '../cli/lock-flags';
import type { Plan } from '../api/plan';
import { migrateJson, MIGRATE_JSON_DESCRIPTION, refuseJsonWithSql, RunJson } from '../cli/run-json';
import { RevisionProgressDisplay } from '../cli/revision-progress';
import type { RevisionProgress } from '../portable/progress';
import { migrationScript, upgrade } from '../api/migrate';
import { UsageError } from '../errors';

export default class Upgrade extends BaseCommand<typeof Upgrade> {
  static summary = 'Upgrade the database to a later revision (default: head).';
  static description =
    'Runs each revision in turn, printing "Running upgrade A -> B, message". REVISION is an id, a unique prefix, head, or relative (+2). Runs are locked: a second run waits, then continues from where the first stopped. A statement that waits longer than --lock-timeout for a lock someone else holds is rolled back and retried (--lock-retries), each time with a WARNING that names the table it waits for and, where the server tells, the session holding the lock. With --json, prints on stdout only the outcome, as JSON: the version before and after and each revision run, with its seconds; "applied" is [] when the database was already at REVISION. With --sql, prints the SQL script for [FROM:]TO instead, without connecting. With --plan, connects and changes nothing: for each pending revision, from the database\'s current one to REVISION, prints each statement the run would send with its table, the lock it takes in the server\'s terms (MariaDB: the ALTER algorithm and LOCK level too), whether it rewrites or copies the table, whether it reads every row, and the table\'s estimated rows.';
  static examples = [
    '<%= config.bin %> upgrade',
    '<%= config.bin %> upgrade --revision 609bec748f2a',
    '<%= config.bin %> upgrade --revision +1',
    '<%= config.bin %> upgrade --sql 609bec748f2a:head > upgrade.sql',
    '<%= config.bin %> upgrade --plan',
    '<%= config.bin %> upgrade --plan --revision +1 --json',
    '<%= config.bin %> upgrade --json',
  ];
  // run() returns the run's result (or --plan's plan); under --json oclif prints it, alone on stdout.
  static enableJsonFlag = true;
  static args = {
    revision: Args.string({ description: 'Revision to upgrade to (or FROM:TO with --sql); same as --revision.', required: false }),
  };
  static flags = {
    revision: Flags.string({ description: 'Revision to upgrade to.', helpValue: 'REVISION' }),
    sql: Flags.boolean({ description: 'Print the SQL for [FROM:]TO (FROM defaults to base) instead of running it; does not connect.', exclusive: ['plan'] }),
    plan: Flags.boolean({
      description: "Connect, change nothing, and print each pending statement with its table, lock, rewrite, scan and the table's rows.",
    }),
    json: Flags.boolean({ description: MIGRATE_JSON_DESCRIPTION }),
    ...lockFlags,
  };

  async run(): Promise<RunJson | Plan | undefined> {
    const target = pickRevision(this.args.revision, this.flags.revision, 'head');
    const chain = this.chain();
    refuseJsonWithSql(this.flags.json, this.flags.sql);
    if (this.flags.sql) {
      process.stdout.write(await migrationScript(this.connectionUrl(), chain, 'upgrade', target, this.lockPolicy()));
      return undefined;
    }
    if (this.flags.plan) {
      // Loaded for --plan only: the plan's recorder and classifiers are not needed to run revisions.
      const { plan } = require('../api/plan') as typeof import('../api/plan');
      const { renderPlan } = require('../cli/plan-output') as typeof import('../cli/plan-output');
      const [result, backend] = await this.withSession(async (s) => [await plan(s, chain, 'upgrade', target), s.spec.backend] as const);
      if (!this.jsonEnabled()) process.stdout.write(renderPlan(result, backend, 'upgrade', chain));
      return result;
    }
    const display = new RevisionProgressDisplay(Boolean(process.stderr.isTTY));
    const options = { lockPolicy: this.lockPolicy(), onProgress: (p: RevisionProgress) => display.update(p) };
    const result = await this.withSession((session) => upgrade(session, chain, target, options)).finally(() => display.stop());
    this.logger.verbose(`Applied ${result.applied.length} revision(s); now at ${result.to ?? 'base'}`);
    return migrateJson(result);
  }
}

/** The revision given as argument or --revision (not both, unless equal), else the default. */
export function pickRevision(positional: string | undefined, flag: string | undefined, fallback: string): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UsageError(`Two revisions given: '${positional}' and --revision '${flag}'`);
  }
  return positional ?? flag ?? fallback;
}
