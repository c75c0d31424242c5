import { BaseCommand } from '../cli/base-command';
import { checkDatabase, operationData } from '../api/check';
import { EXIT } from '../cli/exit-codes';

export default class Check extends BaseCommand<typeof Check> {
  static summary = 'Check that the database (at head) matches the entities; exit 3 if a revision is missing.';
  static description =
    'Compares the entity classes with the live schema as `revision --autogenerate` does. Prints "No changes detected" and exits 0 when they match; otherwise prints each detected operation and exits 3, for the CI of projects that change entities. The database must be at the head revision. An error (the database unreachable, or not at head) exits 1, so a script can tell a missing revision from a failure.';
  static examples = ['<%= config.bin %> check', '<%= config.bin %> --config-file /etc/watcher/watcher.conf check --json'];
  static enableJsonFlag = true;

  async run(): Promise<{ up_to_date: boolean; operations: Record<string, unknown>[] }> {
    const chain = this.chain();
    const result = await this.withSession((session) => checkDatabase(session, chain));
    if (result.upToDate) {
      this.log('No changes detected');
    } else {
      this.log('New upgrade operations detected:');
      for (const op of result.operations) this.log(`  ${op.describe()}`);
      // Not 1: that is an error, and a CI job must be able to tell "write a revision" from "fix the job".
      process.exitCode = EXIT.CHECK_DIFFERS;
    }
    return { up_to_date: result.upToDate, operations: result.operations.map(operationData) };
  }
}
