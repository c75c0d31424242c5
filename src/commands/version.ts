import { BaseCommand } from '../cli/base-command';
import { currentVersion } from '../api/version';
import { DatabaseStateError } from '../errors';

export default class Version extends BaseCommand<typeof Version> {
  static summary = 'Print the current database revision, or None.';
  static description = 'Reads alembic_version. Prints None when the database is at base or not under version control.';
  static examples = ['<%= config.bin %> version', '<%= config.bin %> --config-file /etc/watcher/watcher.conf version --json'];
  static enableJsonFlag = true;

  async run(): Promise<{ revision: string | null; under_version_control: boolean }> {
    const result = await this.withDriverSession(currentVersion);
    if (result.heads.length > 1) {
      // As the reference (Alembic's get_current_revision) refuses: one revision cannot be named.
      throw new DatabaseStateError(`alembic_version holds ${result.heads.length} revisions (${result.heads.join(', ')}), not one: 'current' shows them`);
    }
    this.log(result.revision ?? 'None');
    return { revision: result.revision, under_version_control: result.underVersionControl };
  }
}
