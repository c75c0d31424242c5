import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command';
import { downgrade } from '../api/migrate';

export default class Downgrade extends BaseCommand<typeof Downgrade> {
  static summary = 'Downgrade the database to an earlier revision (default: base).';
  static description =
    'Undoes each revision in turn, printing "Running downgrade B -> A, message". REVISION is an id, a unique prefix, base, or relative (-1).';
  static examples = ['<%= config.bin %> downgrade --revision -1', '<%= config.bin %> downgrade --revision 609bec748f2a', '<%= config.bin %> downgrade'];
  static flags = {
    revision: Flags.string({ description: 'Revision to downgrade to.', default: 'base', helpValue: 'REVISION' }),
  };

  async run(): Promise<void> {
    const chain = this.chain();
    const result = await this.withSession((session) => downgrade(session, chain, this.flags.revision));
    this.logger.verbose(`Undid ${result.applied.length} revision(s); now at ${result.to ?? 'base'}`);
  }
}
