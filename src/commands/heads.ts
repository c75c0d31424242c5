import { BaseCommand } from '../cli/base-command';

export default class Heads extends BaseCommand<typeof Heads> {
  static summary = 'Show the head revision(s) of the revision chain.';
  static description = 'More than one head means the chain has branched: two revisions revise the same parent. upgrade and revision refuse such a chain until it is merged.';
  static examples = ['<%= config.bin %> heads', '<%= config.bin %> heads --json'];
  static enableJsonFlag = true;

  async run(): Promise<{ heads: { id: string; message: string }[] }> {
    const heads = this.chain().heads();
    for (const head of heads) this.log(`${head.id} (head), ${head.message}`);
    if (heads.length > 1) this.logger.warning(`The revision chain has ${heads.length} heads; merge them before upgrading`);
    return { heads: heads.map((h) => ({ id: h.id, message: h.message })) };
  }
}
