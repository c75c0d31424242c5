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

  it('from a checkout, compiled (bin/run.js): into the source migrations/, consecutive revisions form a line without a build, and nothing runs until the build', () => {
    const project = ScratchProject.create('wdm-checkout-');
    made.push(project);
    const shipped = project.revisionFiles('dist/migrations');
    const sources = project.revisionFiles('migrations');
    const compiledHead = /^(\w+) \(head\)/m.exec(project.mustRun(undefined, ['heads']).stdout)![1];
    const first = project.run(undefined, ['revision', '-m', 'add a thing', '--json']);
    expect(first.status, first.stderr).to.equal(0);
    const a = JSON.parse(first.stdout) as { id: string; parent: string; file: string };
    expect(path.dirname(a.file)).to.equal(project.path('migrations'));
    expect(a.parent).to.equal(compiledHead);
    // No build between them: the second revises the first, read from its source.
    const b = JSON.parse(project.mustRun(undefined, ['revision', '-m', 'add another thing', '--json']).stdout) as { id: string; parent: string };
    expect(b.parent).to.equal(a.id);
    expect(project.revisionFiles('dist/migrations')).to.deep.equal(shipped);
    // Until the build, every command that would run the compiled chain stops, naming both, changing nothing.
    const db = path.join(project.root, 'unbuilt.sqlite');
    for (const args of [['upgrade'], ['heads'], ['history'], ['check'], ['upgrade', '--sql'], ['revision', '-m', 'x', '--autogenerate']]) {
      const r = project.run(`sqlite:///${db}`, args);
      expect(r.status, args.join(' ')).to.equal(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.deep.equal([
        `watcher-db-manage: error: ${project.path('migrations')} holds revision(s) that ${project.path('dist', 'migrations')} lacks (${[a.id, b.id].sort().join(', ')}): build first with 'npm run build'; nothing was changed`,
      ]);
    }
    expect(fs.existsSync(db)).to.equal(false);
    expect(project.revisionFiles('migrations').length).to.equal(sources.length + 2);
    const tsc = project.build();
    expect(tsc.status, tsc.output).to.equal(0);
    const heads = project.run(undefined, ['heads']);
    expect(heads.status, heads.stderr).to.equal(0);
    expect(heads.stdout.trim()).to.equal(`${b.id} (head), add another thing`);
    const up = project.run(`sqlite:///${db}`, ['upgrade']);
    expect(up.status, up.stderr).to.equal(0);
    expect(up.stderr).to.contain(`Running upgrade ${a.id} -> ${b.id}, add another thing`);
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
    // Plain JavaScript, which the installed tool (no compiler, compiled revisions only) loads.
    const first = JSON.parse(project.mustRun(undefined, ['revision', '-m', 'add a thing', '--migrations-dir', target, '--json']).stdout) as { id: string; file: string; parent: null };
    expect(path.dirname(first.file)).to.equal(target);
    expect(path.basename(first.file)).to.equal(`${first.id}_add_a_thing.js`);
    expect(first.parent).to.equal(null);
    const second = JSON.parse(project.mustRun(undefined, ['revision', '-m', 'and another', '--migrations-dir', target, '--json']).stdout) as { id: string; file: string; parent: string };
    expect(second.parent).to.equal(first.id);
    const text = fs.readFileSync(second.file, 'utf8');
    expect(text).to.match(new RegExp(`^ \\* Revision ID: ${second.id}$`, 'm'));
    expect(text).to.match(new RegExp(`^ \\* Revises: ${first.id}$`, 'm'));
    expect(text).to.contain("const { defineRevision } = require('");
    expect(text).to.contain('exports.revision = defineRevision({');
    expect(text).to.contain('  async down(db) {');
    const heads = project.mustRun(undefined, ['heads', '--migrations-dir', target]);
    expect(heads.stdout.trim()).to.equal(`${second.id} (head), and another`);
    const db = path.join(target, 'db.sqlite');
    const up = project.mustRun(`sqlite:///${db}`, ['upgrade', '--migrations-dir', target]);
    expect(up.stderr).to.contain(`Running upgrade ${first.id} -> ${second.id}, and another`);
    const history = project.mustRun(`sqlite:///${db}`, ['history', '--migrations-dir', target]);
    expect(history.stdout.trim().split('\n')).to.deep.equal([`${first.id} -> ${second.id} (head) (current), and another`, `<base> -> ${first.id}, add a thing`]);

    // A revision the installed tool cannot load (TypeScript, from a checkout) is named, not skipped.
    fs.writeFileSync(path.join(target, 'abcdef012345_from_a_checkout.ts'), `export const revision = { id: 'abcdef012345', parent: '${second.id}' };\n`);
    for (const command of ['heads', 'history']) {
      const r = project.run(undefined, [command, '--migrations-dir', target]);
      expect(r.status, command).to.equal(1);
      expect(r.stderr.trim().split('\n'), command).to.deep.equal([
        `watcher-db-manage: error: Cannot load abcdef012345_from_a_checkout.ts in ${target}: this tool runs compiled and loads JavaScript revisions only; compile it (npm run build in a checkout) or rewrite it as .js`,
      ]);
    }
  });
});
