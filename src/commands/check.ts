import { BaseCommand } from '../cli/base-command';
import { checkDatabase, operationData } from '../api/check';
import { EXIT } from '../cli/exit-codes';
import type { KnownDrift } from '../autogenerate/known-drift';

/** Where the known drift is declared, as a developer finds it in the checkout. */
const KNOWN_DRIFT_FILE = 'entities/known-drift.ts';

export default class Check extends BaseCommand<typeof Check> {
  static summary = 'Check that the database (at head) matches the entities; exit 3 if a revision is missing.';
  static description =
    'Compares the entity classes with the live schema as `revision --autogenerate` does. Prints "No changes detected" and exits 0 when they match; otherwise prints each detected operation and exits 3, for the CI of projects that change entities. The differences Watcher\'s models have always had against its revisions are declared, each with its reason, in entities/known-drift.ts: they do not count (-v lists them, --json gives them as "known"), but an entry that no longer differs is reported as stale and exits 3, so the list cannot rot. The database must be at the head revision. An error (the database unreachable, or not at head) exits 1, so a script can tell a missing revision from a failure.';
  static examples = ['<%= config.bin %> check', '<%= config.bin %> check -v', '<%= config.bin %> --config-file /etc/watcher/watcher.conf check --json'];
  static enableJsonFlag = true;

  async run(): Promise<{ up_to_date: boolean; operations: Record<string, unknown>[]; known: Record<string, unknown>[]; stale: KnownDrift[] }> {
    const chain = this.chain();
    const result = await this.withSession((session) => checkDatabase(session, chain));
    if (result.operations.length === 0) {
      this.log('No changes detected');
    } else {
      this.log('New upgrade operations detected:');
      for (const op of result.operations) this.log(`  ${op.describe()}`);
    }
    if (this.flags.verbose && result.known.length > 0) {
      this.log(`Known drift, accepted by ${KNOWN_DRIFT_FILE}:`);
      for (const { operation, reason } of result.known) this.log(`  ${operation.describe()}: ${reason}`);
    }
    if (result.stale.length > 0) {
      this.log(`Stale known drift, which no longer differs: remove it from ${KNOWN_DRIFT_FILE}:`);
      for (const entry of result.stale) this.log(`  ${entry.operation}`);
    }
    // Not 1: that is an error, and a CI job must be able to tell "write a revision" from "fix the job".
    if (!result.upToDate) process.exitCode = EXIT.CHECK_DIFFERS;
    return {
      up_to_date: result.upToDate,
      operations: result.operations.map(operationData),
      known: result.known.map(({ operation, reason }) => ({ ...operationData(operation), reason })),
      stale: result.stale,
    };
  }
}
