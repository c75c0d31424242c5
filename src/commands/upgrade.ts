import { Args, Flags } from '../cli/oclif';
import { MigrateCommand, planAndJsonFlags } from '../cli/migrate-command';
import { lockFlags } from '../cli/lock-flags';
import type { Plan } from '../api/plan';
import { migrateJson, RunJson } from '../cli/run-json';

export default class Upgrade extends MigrateCommand<typeof Upgrade> {
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
  static args = {
    revision: Args.string({ description: 'Revision to upgrade to (or FROM:TO with --sql); same as --revision.', required: false }),
  };
  static flags = {
    revision: Flags.string({ description: 'Revision to upgrade to.', helpValue: 'REVISION' }),
    sql: Flags.boolean({ description: 'Print the SQL for [FROM:]TO (FROM defaults to base) instead of running it; does not connect.', exclusive: ['plan'] }),
    ...planAndJsonFlags,
    ...lockFlags,
  };

  protected readonly direction = 'upgrade';

  async run(): Promise<RunJson | Plan | undefined> {
    return this.scriptPlanOrRun('head', async (chain, target) => {
      const result = await this.runRevisions(chain, target);
      this.logger.verbose(`Applied ${result.applied.length} revision(s); now at ${result.to ?? 'base'}`);
      return migrateJson(result);
    });
  }
}
