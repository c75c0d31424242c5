import { BaseCommand } from '../cli/base-command';
import { currentVersion } from '../api/version';

export default class Current extends BaseCommand<typeof Current> {
  static summary = "Show the database's current revision with its message.";
  static description = 'As version, in Alembic\'s form: "<id> (head), message". Prints nothing at base, as Alembic does.';
  static examples = ['<%= config.bin %> current', '<%= config.bin %> current --json'];
  static enableJsonFlag = true;

  async run(): Promise<{ revision: string | null; head: boolean; message: string | null }> {
    const chain = this.chain();
    const { revision } = await this.withDriverSession(currentVersion);
    const rev = revision === null ? undefined : chain.get(revision);
    const isHead = rev !== undefined && chain.heads().some((h) => h.id === rev.id);
    if (revision !== null) this.log(rev ? `${rev.id}${isHead ? ' (head)' : ''}, ${rev.message}` : `${revision} (unknown to this tool)`);
    return { revision, head: isHead, message: rev?.message ?? null };
  }
}
