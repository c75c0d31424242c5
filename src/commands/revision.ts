import { Flags } from '../cli/oclif';
import { BaseCommand } from '../cli/base-command';
import { autogenerateRevision } from '../api/autogenerate';
import { createRevision, revisionsToWriteOnto } from '../api/revision';
import { parseRename, renameFlag } from '../cli/rename-flag';

export default class Revision extends BaseCommand<typeof Revision> {
  static summary = 'Create a new revision file on top of the current head, empty or (--autogenerate) from the entities.';
  static description =
    'Writes <id>_<slug>.ts into the checkout\'s source migrations/ (an installed package: into --migrations-dir, which it then needs) with a new 12-hex-digit id, the head as parent, the message and the date, and empty up(db)/down(db) to fill in with the kit\'s operations (src/portable; db.runner is TypeORM\'s QueryRunner). The tool runs revisions compiled to JavaScript: compile the file before upgrading with it (in a source checkout, the build does). With --autogenerate the database must be at head: up gets the operations that bring it to the entities (tables, columns, types, nullability, server defaults, unique keys, indexes, foreign keys), down their inverse. A NOT NULL column without a default gets a TODO placeholder for the value of the existing rows, which does not compile until it is filled in. Dropping a table or column that holds data, or narrowing a type, is warned about with its row count. A column renamed in the entities reads as a drop and an add, which loses its data (a warning says when it may be a rename): --rename TABLE.OLD=NEW generates the rename instead. The known drift declared in entities/known-drift.ts (what Watcher\'s models have always differed from its revisions in) is left out, and said so, unless --include-known-drift. In a checkout the new revision\'s parent is the head of the revision files in migrations/ as they are now, built or not, so consecutive revisions form a line; --autogenerate needs them built.';
  static examples = [
    '<%= config.bin %> revision -m "add foo to audits"',
    '<%= config.bin %> revision -m "add foo" --migrations-dir ./migrations',
    '<%= config.bin %> revision -m "add foo to audits" --autogenerate',
    '<%= config.bin %> revision -m "rename goals.display_name" --autogenerate --rename goals.display_name=title',
  ];
  static enableJsonFlag = true;
  static flags = {
    message: Flags.string({ char: 'm', description: 'What the revision changes.', required: true, helpValue: 'MESSAGE' }),
    autogenerate: Flags.boolean({ description: 'Fill up/down with what differs between the entities and the database (at head).' }),
    rename: renameFlag,
    'include-known-drift': Flags.boolean({
      description: 'With --autogenerate: also write the known drift of entities/known-drift.ts, which is left out by default.',
      dependsOn: ['autogenerate'],
    }),
  };

  async run(): Promise<{ id: string; parent: string | readonly string[] | null; file: string; operations?: string[]; warnings?: string[]; known_drift_left_out?: string[] }> {
    const options = { message: this.flags.message, migrationsDir: this.flags['migrations-dir'] };
    if (this.flags.autogenerate) {
      const renames = (this.flags.rename ?? []).map(parseRename);
      const chain = this.chain();
      const includeKnownDrift = this.flags['include-known-drift'];
      const { operations, annotations, knownDrift, ...result } = await this.withSession((session) =>
        autogenerateRevision(session, chain, { ...options, renames, includeKnownDrift }),
      );
      // One annotation may be about several operations (a drop and an add that may be a rename): said once.
      const warnings = [...new Set(annotations.map((a) => a.text))];
      for (const op of operations) this.logger.info(op.describe());
      for (const text of warnings) this.logger.warning(text);
      if (knownDrift.length > 0) {
        this.logger.info(`Left out ${knownDrift.length} known drift operation(s) of entities/known-drift.ts (--include-known-drift writes them)`);
      }
      if (operations.length === 0) this.logger.info('No changes detected');
      this.log(`Generating ${result.file} ... done`);
      const left_out = knownDrift.map((k) => k.operation.describe());
      return { ...result, operations: operations.map((op) => op.describe()), warnings, known_drift_left_out: left_out };
    }
    // Onto the head of the files as they are now, built or not: consecutive revisions form a line.
    const result = createRevision(revisionsToWriteOnto(options.migrationsDir), options);
    this.log(`Generating ${result.file} ... done`);
    return result;
  }
}
