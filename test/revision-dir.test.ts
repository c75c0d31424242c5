// Where `revision` writes a new file: into the source migrations/ of a checkout, whether the tool
// runs compiled (bin/run.js, from dist/) or from source (bin/dev.js), so that the next build compiles
// it; from an installed package, only into --migrations-dir. Each case runs in a scratch copy.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './support/cli';

function scratch(prefix: string, entries: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const entry of entries) fs.cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function run(root: string, bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.OS_DATABASE__CONNECTION;
  const r = spawnSync(process.execPath, [path.join(root, 'bin', bin), ...args], { cwd: os.tmpdir(), env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const revisionFiles = (dir: string) => fs.readdirSync(dir).filter((f) => /^[0-9a-f]{12}_.*\.(ts|js)$/.test(f)).sort();

describe('where revision writes a new file', function () {
  this.timeout(300_000);
  const made: string[] = [];
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('from a checkout, compiled (bin/run.js): into the source migrations/, which the next build compiles and the chain then has', () => {
    const root = scratch('wdm-checkout-', ['package.json', 'tsconfig.json', 'oclif.manifest.json', 'bin', 'src', 'entities', 'migrations', 'dist']);
    made.push(root);
    const shipped = revisionFiles(path.join(root, 'dist', 'migrations'));
    const r = run(root, 'run.js', ['revision', '-m', 'add a thing', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const { id, file } = JSON.parse(r.stdout) as { id: string; file: string };
    expect(path.dirname(file)).to.equal(path.join(root, 'migrations'));
    expect(revisionFiles(path.join(root, 'dist', 'migrations'))).to.deep.equal(shipped);
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
    const heads = run(root, 'run.js', ['heads']);
    expect(heads.status, heads.stderr).to.equal(0);
    expect(heads.stdout).to.match(new RegExp(`^${id} \\(head\\)`, 'm'));
  });

  it('from a checkout, from source (bin/dev.js): into the same migrations/', () => {
    const root = scratch('wdm-checkout-', ['package.json', 'tsconfig.json', 'bin', 'src', 'entities', 'migrations']);
    made.push(root);
    const r = run(root, 'dev.js', ['revision', '-m', 'add another thing', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    expect(path.dirname((JSON.parse(r.stdout) as { file: string }).file)).to.equal(path.join(root, 'migrations'));
  });

  it('from an installed package: refuses in one line without --migrations-dir, writes into the one given', () => {
    // What package.json's "files" ships: no sources.
    const root = scratch('wdm-package-', ['package.json', 'oclif.manifest.json', 'bin/run.js', 'dist/src', 'dist/entities', 'dist/migrations']);
    made.push(root);
    const before = revisionFiles(path.join(root, 'dist', 'migrations'));
    const refused = run(root, 'run.js', ['revision', '-m', 'add a thing']);
    expect(refused.status).to.equal(1);
    expect(refused.stderr.trim().split('\n')).to.deep.equal([
      'watcher-db-manage: error: This installation has no source tree to write the revision into (it runs from an installed package): pass --migrations-dir DIR',
    ]);
    expect(revisionFiles(path.join(root, 'dist', 'migrations'))).to.deep.equal(before);
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-own-migrations-'));
    made.push(target);
    const written = run(root, 'run.js', ['revision', '-m', 'add a thing', '--migrations-dir', target, '--json']);
    expect(written.status, written.stderr).to.equal(0);
    expect(path.dirname((JSON.parse(written.stdout) as { file: string }).file)).to.equal(target);
  });
});
