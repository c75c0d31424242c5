import { BaseCommand } from '../cli/base-command';

export default class Heads extends BaseCommand<typeof Heads> {
  static summary = 'Show the head revision(s) of the revision chain.';
  static description =
    'More than one head means the chain has branched: two revisions revise the same parent. upgrade and revision refuse such a chain until merge writes a revision joining the heads. A revision file this tool cannot load (TypeScript from a compiled tool) is named, exit 1, rather than left out.';
  static examples = ['<%= config.bin %> heads', '<%= config.bin %> heads --json'];
  static enableJsonFlag = true;

  async run(): Promise<{ heads: { id: string; message: string }[] }> {
    const heads = this.chain().heads();
    for (const head of heads) this.log(`${head.id} (head), ${head.message}`);
    if (heads.length > 1) this.logger.warning(`The revision chain has ${heads.length} heads; join them before upgrading: watcher-db-manage merge -m "merge heads"`);
    return { heads: heads.map((h) => ({ id: h.id, message: h.message })) };
  }
}
