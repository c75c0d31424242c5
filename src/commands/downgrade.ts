import { Args, Flags } from '../cli/oclif';
import { BaseCommand } from '../cli/base-command';
import { lockFlags } from '../cli/lock-flags';
import { downgrade, migrationScript } from '../api/migrate';
import { pickRevision } from './upgrade';

export default class Downgrade extends BaseCommand<typeof Downgrade> {
  static summary = 'Downgrade the database to an earlier revision (default: base).';
  static description =
    'Undoes each revision in turn, printing "Running downgrade B -> A, message". REVISION is an id, a unique prefix, base, or relative (-1, written --revision=-1). With --sql, prints the SQL script for FROM:TO instead, without connecting.';
  static examples = [
    '<%= config.bin %> downgrade --revision=-1',
    '<%= config.bin %> downgrade --revision 609bec748f2a',
    '<%= config.bin %> downgrade --sql head:609bec748f2a > downgrade.sql',
  ];
  static args = {
    revision: Args.string({ description: 'Revision to downgrade to (or FROM:TO with --sql); same as --revision.', required: false }),
  };
  static flags = {
    revision: Flags.string({ description: 'Revision to downgrade to.', helpValue: 'REVISION' }),
    sql: Flags.boolean({ description: 'Print the SQL for FROM:TO instead of running it; does not connect.' }),
    ...lockFlags,
  };

  async run(): Promise<void> {
    const target = pickRevision(this.args.revision, this.flags.revision, 'base');
    const chain = this.chain();
    if (this.flags.sql) {
      process.stdout.write(await migrationScript(this.connectionUrl(), chain, 'downgrade', target, this.lockPolicy()));
      return;
    }
    const result = await this.withSession((session) => downgrade(session, chain, target, { lockPolicy: this.lockPolicy() }));
    this.logger.verbose(`Undid ${result.applied.length} revision(s); now at ${result.to ?? 'base'}`);
  }
}
