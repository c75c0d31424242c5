// Where `revision` writes a new file: into the source migrations/ of a checkout, whether the tool
// runs compiled (bin/run.js, from dist/) or from source (bin/dev.js), so that the next build compiles
// it; from an installed package, only into --migrations-dir. Each case runs in a scratch copy.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runCli } from './support/cli';
import { ScratchProject } from './support/scratch-project';

describe('where revision writes a new file', function () {
  this.timeout(300_000);
  const made: { remove(): void }[] = [];
  after(() => {
    for (const each of made) each.remove();
  });

  it('a relative --migrations-dir is read from the working directory', () => {
    for (const dir of ['dist/migrations', './dist/migrations']) {
      const r = runCli(['heads', '--migrations-dir', dir], { cwd: REPO_ROOT });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^[0-9a-f]{12} \(head\)/m);
    }
  });

  it('from a checkout, compiled (bin/run.js): into the source migrations/, which the next build compiles and the chain then has', () => {
    const project = ScratchProject.create('wdm-checkout-');
    made.push(project);
    const shipped = project.revisionFiles('dist/migrations');
    const r = project.run(undefined, ['revision', '-m', 'add a thing', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const { id, file } = JSON.parse(r.stdout) as { id: string; file: string };
    expect(path.dirname(file)).to.equal(project.path('migrations'));
    expect(project.revisionFiles('dist/migrations')).to.deep.equal(shipped);
    const tsc = project.build();
    expect(tsc.status, tsc.output).to.equal(0);
    const heads = project.run(undefined, ['heads']);
    expect(heads.status, heads.stderr).to.equal(0);
    expect(heads.stdout).to.match(new RegExp(`^${id} \\(head\\)`, 'm'));
  });

  it('from a checkout, from source (bin/dev.js): into the same migrations/', () => {
    const project = ScratchProject.create('wdm-checkout-', ['package.json', 'tsconfig.json', 'bin', 'src', 'entities', 'migrations']);
    made.push(project);
    const r = project.run(undefined, ['revision', '-m', 'add another thing', '--json'], { bin: 'dev.js' });
    expect(r.status, r.stderr).to.equal(0);
    expect(path.dirname((JSON.parse(r.stdout) as { file: string }).file)).to.equal(project.path('migrations'));
  });

  it('from an installed package: refuses in one line without --migrations-dir, writes into the one given', () => {
    // What package.json's "files" ships: no sources.
    const project = ScratchProject.create('wdm-package-', ['package.json', 'oclif.manifest.json', 'bin/run.js', 'dist/src', 'dist/entities', 'dist/migrations']);
    made.push(project);
    const before = project.revisionFiles('dist/migrations');
    const refused = project.run(undefined, ['revision', '-m', 'add a thing']);
    expect(refused.status).to.equal(1);
    expect(refused.stderr.trim().split('\n')).to.deep.equal([
      'watcher-db-manage: error: This installation has no source tree to write the revision into (it runs from an installed package): pass --migrations-dir DIR',
    ]);
    expect(project.revisionFiles('dist/migrations')).to.deep.equal(before);
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-own-migrations-'));
    made.push({ remove: () => fs.rmSync(target, { recursive: true, force: true }) });
    const written = project.run(undefined, ['revision', '-m', 'add a thing', '--migrations-dir', target, '--json']);
    expect(written.status, written.stderr).to.equal(0);
    expect(path.dirname((JSON.parse(written.stdout) as { file: string }).file)).to.equal(target);
  });
});
