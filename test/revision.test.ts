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
    // The compiled tool cannot load the TypeScript file (in a checkout, the build compiles migrations/
    // only): heads names it rather than showing the chain without it.
    const heads = runCli(['heads', '--migrations-dir', dir]);
    expect(heads.status).to.equal(1);
    expect(heads.stderr).to.contain(`Cannot load ${path.basename(out.file)} in ${dir}: this tool runs compiled`);
  });

  it('refuses a branched chain and an empty message, writing nothing', () => {
    const dir = chainDir([['aaaa00000001', null], ['bbbb00000002', 'aaaa00000001'], ['cccc00000003', 'aaaa00000001']]);
    const before = fs.readdirSync(dir).sort();
    const branched = runCli(['revision', '-m', 'x', '--migrations-dir', dir]);
    expect(branched.status).to.equal(1);
    expect(branched.stderr.trim()).to.equal(
      'watcher-db-manage: error: The revision chain has 2 heads (bbbb00000002, cccc00000003); join them with a merge revision first: watcher-db-manage merge -m "merge heads"',
    );
    const empty = runCli(['revision', '-m', ' ', '--migrations-dir', chainDir([['aaaa00000001', null]])]);
    expect(empty.status).to.equal(2); // a usage error: the message is blank whatever the database holds
    expect(empty.stderr).to.match(/needs a message/);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(before);
  });

  it('any message gives a safe file name inside the directory, a file that compiles, and comes back unchanged', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-msg-'));
    const dir = path.join(parent, 'migrations');
    fs.mkdirSync(dir);
    const messages = [
      `it's "quoted" and \`ticked\``,
      'back\\slash, \\n and \\u0041 stay as written',
      '${process.exit(3)} and `${"x"}` are text',
      'first line\nsecond line\r\nthird line',
      'é, ünïcødé and 日本語',
      '日本',
      '../../etc/x',
      'a/b\\c',
      '*/ ends a comment, /* starts one, \u2028 separates lines',
      'long '.repeat(60),
    ];
    const files: string[] = [];
    for (const message of messages) {
      const r = runCli(['revision', '-m', message, '--migrations-dir', dir, '--json']);
      expect(r.status, r.stderr).to.equal(0);
      const { file, id } = JSON.parse(r.stdout) as { file: string; id: string };
      expect(path.dirname(file), message).to.equal(dir);
      expect(path.basename(file), message).to.match(new RegExp(`^${id}_[a-z0-9_]{1,40}\\.ts$`));
      files.push(file);
    }
    expect(fs.readdirSync(dir).sort()).to.deep.equal(files.map((f) => path.basename(f)).sort());
    expect(fs.readdirSync(parent)).to.deep.equal(['migrations']);
    expect(path.basename(files[5])).to.match(/^[0-9a-f]{12}_revision\.ts$/);
    expect(path.basename(files[4])).to.match(/^[0-9a-f]{12}_e_unic_de_and\.ts$/);
    const tsc = typecheck(files);
    expect(tsc.status, tsc.output).to.equal(0);
    // Each file gives back its message exactly (mocha runs under ts-node, so the .ts file loads as it is).
    const loaded = files.map((file) => (require(file) as { revision: { message: string } }).revision.message);
    expect(loaded).to.deep.equal(messages);
  });

  it('a hand-written head id with quotes, a backslash and */ becomes a string literal and comment text in the new file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-rev-'));
    const head = "o'k\\*/x";
    fs.writeFileSync(
      path.join(dir, '000000000001_rev.js'),
      `exports.revision = { id: ${JSON.stringify(head)}, parent: null, message: 'm', created: '2026-01-01T00:00:00', up: async () => {}, down: async () => {} };\n`,
    );
    const r = runCli(['revision', '-m', 'on top', '--migrations-dir', dir, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const { file } = JSON.parse(r.stdout) as { file: string };
    const text = fs.readFileSync(file, 'utf8');
    expect(text).to.contain(" * Revises: o'k\\* /x\n");
    const tsc = typecheck([file]);
    expect(tsc.status, tsc.output).to.equal(0);
    expect((require(file) as { revision: { parent: string } }).revision.parent).to.equal(head);
  });

  it('every shipped revision compiles under the project tsconfig', () => {
    const files = fs.readdirSync(path.join(REPO_ROOT, 'migrations')).map((f) => path.join(REPO_ROOT, 'migrations', f));
    const tsc = typecheck(files);
    expect(tsc.status, tsc.output).to.equal(0);
  });
});
