import { Args, Flags } from '../cli/oclif';
import { BaseCommand } from '../cli/base-command';
import { lockFlags } from '../cli/lock-flags';
import { migrationScript, upgrade } from '../api/migrate';
import { UserError } from '../errors';

export default class Upgrade extends BaseCommand<typeof Upgrade> {
  static summary = 'Upgrade the database to a later revision (default: head).';
  static description =
    'Runs each revision in turn, printing "Running upgrade A -> B, message". REVISION is an id, a unique prefix, head, or relative (+2). Runs are locked: a second run waits, then continues from where the first stopped. With --sql, prints the SQL script for [FROM:]TO instead, without connecting.';
  static examples = [
    '<%= config.bin %> upgrade',
    '<%= config.bin %> upgrade --revision 609bec748f2a',
    '<%= config.bin %> upgrade --revision +1',
    '<%= config.bin %> upgrade --sql 609bec748f2a:head > upgrade.sql',
  ];
  static args = {
    revision: Args.string({ description: 'Revision to upgrade to (or FROM:TO with --sql); same as --revision.', required: false }),
  };
  static flags = {
    revision: Flags.string({ description: 'Revision to upgrade to.', helpValue: 'REVISION' }),
    sql: Flags.boolean({ description: 'Print the SQL for [FROM:]TO (FROM defaults to base) instead of running it; does not connect.' }),
    ...lockFlags,
  };

  async run(): Promise<void> {
    const target = pickRevision(this.args.revision, this.flags.revision, 'head');
    const chain = this.chain();
    if (this.flags.sql) {
      process.stdout.write(await migrationScript(this.connectionUrl(), chain, 'upgrade', target, this.lockPolicy()));
      return;
    }
    const result = await this.withSession((session) => upgrade(session, chain, target, { lockPolicy: this.lockPolicy() }));
    this.logger.verbose(`Applied ${result.applied.length} revision(s); now at ${result.to ?? 'base'}`);
  }
}

/** The revision given as argument or --revision (not both, unless equal), else the default. */
export function pickRevision(positional: string | undefined, flag: string | undefined, fallback: string): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new UserError(`Two revisions given: '${positional}' and --revision '${flag}'`);
  }
  return positional ?? flag ?? fallback;
}
