import { Args, Flags } from '../cli/oclif';
import { MigrateCommand, planAndJsonFlags } from '../cli/migrate-command';
import { lockFlags } from '../cli/lock-flags';
import type { Plan } from '../api/plan';
import { migrateJson, RunJson } from '../cli/run-json';
import type { DataLoss } from '../api/migrate';
import { answerIsYes, LinePrompter } from '../cli/line-prompter';
import { dataLossLines, dataLossQuestion, dataLossRefusal } from '../cli/data-loss-text';
import { UserError } from '../errors';

export default class Downgrade extends MigrateCommand<typeof Downgrade> {
  static summary = 'Downgrade the database to an earlier revision (default: base).';
  static description =
    'Undoes each revision in turn, printing "Running downgrade B -> A, message". REVISION is an id, a unique prefix, base, or relative (-1, written --revision=-1). With --json, prints the outcome as JSON, as upgrade --json does. With --sql, prints the SQL script for FROM:TO instead, without connecting. With --plan, connects and changes nothing: prints each statement the run would send, as upgrade --plan does. When the revisions to undo would drop tables or columns that hold data (a table with rows, a column with a value in some row), it first lists them with their row counts and, on a terminal, asks "[y/N]"; without a terminal (or with --json) it refuses in one line, exit 1, nothing changed, unless --yes is given. A downgrade that loses no data runs without asking.';
  static examples = [
    '<%= config.bin %> downgrade --revision=-1',
    '<%= config.bin %> downgrade --revision base --yes',
    '<%= config.bin %> downgrade --revision 609bec748f2a',
    '<%= config.bin %> downgrade --sql head:609bec748f2a > downgrade.sql',
    '<%= config.bin %> downgrade --plan --revision=-1',
    '<%= config.bin %> downgrade --revision 609bec748f2a --json',
  ];
  static args = {
    revision: Args.string({ description: 'Revision to downgrade to (or FROM:TO with --sql); same as --revision.', required: false }),
  };
  static flags = {
    revision: Flags.string({ description: 'Revision to downgrade to.', helpValue: 'REVISION' }),
    sql: Flags.boolean({ description: 'Print the SQL for FROM:TO instead of running it; does not connect.', exclusive: ['plan'] }),
    ...planAndJsonFlags,
    yes: Flags.boolean({ char: 'y', description: 'Drop tables and columns that hold data without asking (for automation).' }),
    ...lockFlags,
  };

  protected readonly direction = 'downgrade';

  async run(): Promise<RunJson | Plan | undefined> {
    return this.scriptPlanOrRun('base', async (chain, target) => {
      const prompter = new LinePrompter(process.stdin, process.stdout);
      let declined = false;
      const confirmDataLoss = async (loss: DataLoss): Promise<boolean> => {
        declined = !(await this.confirmDataLoss(loss, prompter));
        return !declined;
      };
      const result = await this.runRevisions(chain, target, this.flags.yes ? {} : { confirmDataLoss }).finally(() => prompter.close());
      if (declined) this.log('Nothing was changed.');
      this.logger.verbose(`Undid ${result.applied.length} revision(s); now at ${result.to ?? 'base'}`);
      return migrateJson(result);
    });
  }

  /**
   * Asks on a terminal, as purge asks (default no; a "no" changes nothing and is not an error). Without
   * a terminal, or under --json, there is nobody to ask: a script must say --yes.
   */
  private async confirmDataLoss(loss: DataLoss, prompter: LinePrompter): Promise<boolean> {
    if (this.jsonEnabled()) throw new UserError(dataLossRefusal(loss, '--json does not ask'));
    if (!prompter.interactive) throw new UserError(dataLossRefusal(loss, 'standard input is not a terminal to ask on'));
    for (const line of dataLossLines(loss)) this.log(line);
    const answer = await prompter.ask(dataLossQuestion(loss));
    if (answer === null) throw new UserError(dataLossRefusal(loss, 'standard input was closed before an answer'));
    return answerIsYes(answer);
  }
}
