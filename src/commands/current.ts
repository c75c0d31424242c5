import { BaseCommand } from '../cli/base-command';
import { currentVersion } from '../api/version';
import { versionValue } from '../script/heads';
import { checkSeparate } from '../script/plan';
import { parentsOf } from '../script/revision';

export default class Current extends BaseCommand<typeof Current> {
  static summary = "Show the database's current revision with its message.";
  static description = 'As version, in Alembic\'s form: "<id> (head), message"; one line per branch while the database is on separate branches (several rows in alembic_version), "(mergepoint)" marking a merge revision. Prints nothing at base, as Alembic does.';
  static examples = ['<%= config.bin %> current', '<%= config.bin %> current --json'];
  static enableJsonFlag = true;

  async run(): Promise<{ revision: string | string[] | null; head: boolean; message: string | null }> {
    const chain = this.chain();
    const { heads } = await this.withDriverSession(currentVersion);
    checkSeparate(chain, heads);
    const chainHeads = new Set(chain.heads().map((h) => h.id));
    for (const id of heads) {
      const rev = chain.get(id);
      const marks = `${chainHeads.has(id) ? ' (head)' : ''}${rev && parentsOf(rev).length > 1 ? ' (mergepoint)' : ''}`;
      this.log(rev ? `${rev.id}${marks}, ${rev.message}` : `${id} (unknown to this tool)`);
    }
    const single = heads.length === 1 ? chain.get(heads[0]) : undefined;
    return { revision: versionValue(heads), head: single !== undefined && chainHeads.has(single.id), message: single?.message ?? null };
  }
}
