import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command';
import { createRevision } from '../api/revision';

export default class Revision extends BaseCommand<typeof Revision> {
  static summary = 'Create a new, empty revision file on top of the current head.';
  static description =
    'Writes migrations/<id>_<slug>.ts (or into --migrations-dir) with a new 12-hex-digit id, the head as parent, the message and the date, and empty up/down to fill in with TypeORM QueryRunner operations. Run `npm run build` (or bin/dev.js) before upgrading with it.';
  static examples = ['<%= config.bin %> revision -m "add foo to audits"', '<%= config.bin %> revision -m "add foo" --migrations-dir ./migrations'];
  static enableJsonFlag = true;
  static flags = {
    message: Flags.string({ char: 'm', description: 'What the revision changes.', required: true, helpValue: 'MESSAGE' }),
  };

  async run(): Promise<{ id: string; parent: string | null; file: string }> {
    const result = createRevision(this.chain(), { message: this.flags.message, migrationsDir: this.flags['migrations-dir'] });
    this.log(`Generating ${result.file} ... done`);
    return result;
  }
}
