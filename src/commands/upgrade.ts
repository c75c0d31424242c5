import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command';
import { upgrade } from '../api/migrate';

export default class Upgrade extends BaseCommand<typeof Upgrade> {
  static summary = 'Upgrade the database to a later revision (default: head).';
  static description =
    'Runs each revision in turn, printing "Running upgrade A -> B, message". REVISION is an id, a unique prefix, head, or relative (+2). Runs are locked: a second run waits, then continues from where the first stopped.';
  static examples = ['<%= config.bin %> upgrade', '<%= config.bin %> upgrade --revision 609bec748f2a', '<%= config.bin %> upgrade --revision +1'];
  static flags = {
    revision: Flags.string({ description: 'Revision to upgrade to.', default: 'head', helpValue: 'REVISION' }),
  };

  async run(): Promise<void> {
    const chain = this.chain();
    const result = await this.withSession((session) => upgrade(session, chain, this.flags.revision));
    this.logger.verbose(`Applied ${result.applied.length} revision(s); now at ${result.to ?? 'base'}`);
  }
}
