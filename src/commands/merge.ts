import { Args, Flags } from '../cli/oclif';
import { BaseCommand } from '../cli/base-command';
import { createMerge, revisionsToWriteOnto } from '../api/revision';

export default class Merge extends BaseCommand<typeof Merge> {
  static summary = 'Write a merge revision joining the heads (or the revisions given) into one.';
  static description =
    'Two revisions written on the same parent (in two git branches, say) leave the chain with two heads, which upgrade refuses. merge writes <id>_<slug>.ts (from an installed package, .js), as revision does, whose parents are REV... (ids or unique prefixes; default: every head) and whose up and down are empty, as Alembic\'s merge does. upgrade then runs both branches and the merge; a database already on one branch runs the other one, then the merge. While a database is on two branches, alembic_version holds a row for each, as Alembic keeps it.';
  static examples = ['<%= config.bin %> merge -m "merge heads"', '<%= config.bin %> merge -m "merge the note branches" 1a2b3c4d5e6f 6f5e4d3c2b1a'];
  static enableJsonFlag = true;
  static strict = false;
  static args = {
    revisions: Args.string({ description: 'REV...: the revisions to join (ids or unique prefixes); default: every head.', required: false }),
  };
  static flags = {
    message: Flags.string({ char: 'm', description: 'What the merge joins.', required: true, helpValue: 'MESSAGE' }),
  };

  async run(): Promise<{ id: string; parent: string | readonly string[] | null; file: string }> {
    const options = { message: this.flags.message, migrationsDir: this.flags['migrations-dir'], revisions: this.rest };
    // Onto the revision files as they are now, built or not, as revision does.
    const result = createMerge(revisionsToWriteOnto(options.migrationsDir), options);
    this.log(`Generating ${result.file} ... done`);
    return result;
  }
}
