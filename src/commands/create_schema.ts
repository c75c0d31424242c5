import { BaseCommand } from '../cli/base-command';
import { Flags } from '../cli/oclif';
import { createSchema } from '../api/create-schema';
import { RunJson } from '../cli/run-json';

export default class CreateSchema extends BaseCommand<typeof CreateSchema> {
  static summary = 'Create the whole schema from the models on an empty database and stamp head.';
  static description =
    'Refuses a database that is already under version control (use upgrade) or that already holds Watcher tables. With --json, prints {"from": null, "to": HEAD, "applied": [], "tables": [...]}: the schema is built from the models, not by running revisions, so "applied" is empty and "tables" lists the tables created, alembic_version included.';
  static examples = [
    '<%= config.bin %> create_schema',
    '<%= config.bin %> --config-file /etc/watcher/watcher.conf create_schema',
    '<%= config.bin %> create_schema --json',
  ];
  static enableJsonFlag = true;
  static flags = {
    json: Flags.boolean({ description: 'Print the result as one JSON document on stdout: {"from", "to", "applied": [], "tables"}.' }),
  };

  async run(): Promise<RunJson> {
    const chain = this.chain();
    const result = await this.withSession((session) => createSchema(session, chain));
    this.logger.verbose(`Created ${result.tables.length} tables at revision ${result.revision}`);
    // create_schema refuses a database under version control, so it always starts from none.
    return { from: null, to: result.revision, applied: [], tables: result.tables };
  }
}
