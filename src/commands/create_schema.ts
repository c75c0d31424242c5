import { BaseCommand } from '../cli/base-command';
import { createSchema } from '../api/create-schema';

export default class CreateSchema extends BaseCommand<typeof CreateSchema> {
  static summary = 'Create the whole schema from the models on an empty database and stamp head.';
  static description =
    'Refuses a database that is already under version control (use upgrade) or that already holds Watcher tables.';
  static examples = ['<%= config.bin %> create_schema', '<%= config.bin %> --config-file /etc/watcher/watcher.conf create_schema'];

  async run(): Promise<void> {
    const chain = this.chain();
    const result = await this.withSession((session) => createSchema(session, chain));
    this.logger.verbose(`Created ${result.tables.length} tables at revision ${result.revision}`);
  }
}
