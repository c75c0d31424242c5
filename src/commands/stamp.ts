import { Args, Flags } from '../cli/oclif';
import { BaseCommand } from '../cli/base-command';
import { stamp } from '../api/stamp';
import { UsageError } from '../errors';
import { RunJson } from '../cli/run-json';

export default class Stamp extends BaseCommand<typeof Stamp> {
  static summary = 'Write a revision into alembic_version without running any revision.';
  static description =
    'REVISION is a revision id, a unique prefix of one, head or base. Use it to adopt a database whose schema is known to match a revision. With --json, prints {"from", "to", "applied": []}: the version before and after; a stamp runs no revision.';
  static examples = [
    '<%= config.bin %> stamp head',
    '<%= config.bin %> stamp --revision 609bec748f2a',
    '<%= config.bin %> stamp --purge f56ba02662b4',
    '<%= config.bin %> stamp head --json',
  ];
  static enableJsonFlag = true;
  static args = {
    revision: Args.string({ description: 'Revision to stamp (id, prefix, head or base).', required: false }),
  };
  static flags = {
    revision: Flags.string({ description: 'Revision to stamp, as the positional argument.', helpValue: 'REVISION' }),
    purge: Flags.boolean({
      description: 'Erase alembic_version first, whatever it holds (several rows, an unknown id), as Alembic\'s stamp --purge.',
    }),
    json: Flags.boolean({ description: 'Print the result as one JSON document on stdout: {"from", "to", "applied": []}.' }),
  };

  async run(): Promise<RunJson> {
    const target = this.flags.revision ?? this.args.revision;
    if (!target) throw new UsageError("stamp needs a revision: 'stamp head', 'stamp base' or 'stamp <id>'");
    if (this.flags.revision && this.args.revision && this.flags.revision !== this.args.revision) {
      throw new UsageError(`stamp got two revisions: '${this.args.revision}' and --revision '${this.flags.revision}'`);
    }
    const chain = this.chain();
    chain.resolve(target); // a bad revision fails before we connect
    const result = await this.withSession((session) => stamp(session, chain, target, { purge: this.flags.purge }));
    // `applied` is empty even when the version moved: it lists revisions whose up() or down() ran,
    // and a stamp runs none. A configuration tool that counts a stamp as a change compares from and to.
    return { from: result.from, to: result.to, applied: [] };
  }
}
