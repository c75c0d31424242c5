import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runCli } from './support/cli';
import { typecheck } from './support/typecheck';

/** A migrations dir holding plain-JS revisions (`[id, parent]`), so the CLI can load them from dist. */
function chainDir(revisions: [string, string | null][]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-rev-'));
  for (const [id, parent] of revisions) {
    fs.writeFileSync(
      path.join(dir, `${id}_rev.js`),
      `exports.revision = { id: '${id}', parent: ${parent ? `'${parent}'` : 'null'}, message: 'rev ${id}', created: '2026-01-01T00:00:00', up: async () => {}, down: async () => {} };\n`,
    );
  }
  return dir;
}

describe('revision -m', function () {
  this.timeout(120_000);

  it('writes an empty revision on top of the head, with a safe file name, that compiles', () => {
    const dir = chainDir([['aaaa00000001', null], ['bbbb00000002', 'aaaa00000001']]);
    const message = 'add "foo"/bar to audits ../../x */ é\nsecond line';
    const r = runCli(['revision', '-m', message, '--migrations-dir', dir, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { id: string; parent: string; file: string };
    expect(out.id).to.match(/^[0-9a-f]{12}$/);
    expect(out.parent).to.equal('bbbb00000002');
    expect(path.dirname(out.file)).to.equal(dir);
    expect(path.basename(out.file)).to.equal(`${out.id}_add_foo_bar_to_audits_x_e_second_line.ts`);
    const text = fs.readFileSync(out.file, 'utf8');
    expect(text).to.contain(`id: '${out.id}'`);
    expect(text).to.contain("parent: 'bbbb00000002'");
    expect(text).to.contain(`message: ${JSON.stringify(message)}`);
    expect(text).to.match(/created: '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}'/);
    const tsc = typecheck([out.file]);
    expect(tsc.status, tsc.output).to.equal(0);
    // The chain now has the new revision as its single head.
    expect(runCli(['heads', '--migrations-dir', dir]).status).to.equal(0);
  });

  it('refuses a branched chain and an empty message, writing nothing', () => {
    const dir = chainDir([['aaaa00000001', null], ['bbbb00000002', 'aaaa00000001'], ['cccc00000003', 'aaaa00000001']]);
    const before = fs.readdirSync(dir).sort();
    const branched = runCli(['revision', '-m', 'x', '--migrations-dir', dir]);
    expect(branched.status).to.equal(1);
    expect(branched.stderr.trim()).to.equal(
      'watcher-db-manage: error: The revision chain has 2 heads (bbbb00000002, cccc00000003); merge them into one before upgrading',
    );
    const empty = runCli(['revision', '-m', ' ', '--migrations-dir', chainDir([['aaaa00000001', null]])]);
    expect(empty.status).to.equal(1);
    expect(empty.stderr).to.match(/needs a message/);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(before);
  });

  it('every shipped revision compiles under the project tsconfig', () => {
    const files = fs.readdirSync(path.join(REPO_ROOT, 'migrations')).map((f) => path.join(REPO_ROOT, 'migrations', f));
    const tsc = typecheck(files);
    expect(tsc.status, tsc.output).to.equal(0);
  });
});
