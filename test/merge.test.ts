// Two developers each add a revision on the same parent, in two git branches; after both are merged
// the chain has two heads, which upgrade refuses until `merge` writes a merge revision. One scratch
// checkout (built once for the file) holds that chain; on every backend a database then goes up one
// branch, up the other (alembic_version holds a row for each, as Alembic's HeadMaintainer writes
// it), through the merge, and down again, with history, heads, current, --plan and --sql showing it.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './support/cli';
import { BACKENDS, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { ScratchProject } from './support/scratch-project';

/** A revision body adding a nullable column, and its inverse, with the portable kit. */
function withColumn(project: ScratchProject, file: string, table: string, name: string): void {
  const rel = file.slice(project.path('').length);
  project.replace(rel, "import { defineRevision } from '../src/script/revision';", "import { defineRevision } from '../src/script/revision';\nimport { addColumn, column, dropColumn, sa } from '../src/portable';");
  project.replace(rel, '  async up(db) {\n  },', `  async up(db) {\n    await addColumn(db, '${table}', column('${name}', sa.String(36)));\n  },`);
  project.replace(rel, '  async down(db) {\n  },', `  async down(db) {\n    await dropColumn(db, '${table}', '${name}');\n  },`);
}

describe('two branches joined by merge', function () {
  this.timeout(15 * 60_000);
  let project: ScratchProject;
  let head: string; // the shipped head, both branches' parent
  let note: string;
  let tag: string;
  let merge: string;

  before(() => {
    project = ScratchProject.create('wdm-merge-');
    head = /^(\w+) \(head\)/m.exec(project.mustRun(undefined, ['heads']).stdout)![1];
    // Branch one writes its revision; branch two, not seeing it, writes its own on the same parent.
    const one = JSON.parse(project.mustRun(undefined, ['revision', '-m', 'add note to audits', '--json']).stdout) as { id: string; file: string };
    fs.renameSync(one.file, `${one.file}.elsewhere`);
    const two = JSON.parse(project.mustRun(undefined, ['revision', '-m', 'add tag to goals', '--json']).stdout) as { id: string; file: string; parent: string };
    fs.renameSync(`${one.file}.elsewhere`, one.file);
    expect(two.parent).to.equal(head);
    withColumn(project, one.file, 'audits', 'note');
    withColumn(project, two.file, 'goals', 'tag');
    [note, tag] = [one.id, two.id];
  });
  after(() => project?.remove());

  it('two heads: upgrade refuses naming the merge command; merge joins them, heads and history show it', () => {
    project.mustBuild();
    const refused = project.run('sqlite://', ['upgrade']);
    expect(refused.status).to.equal(1);
    expect(refused.stderr.trim()).to.equal(
      `watcher-db-manage: error: The revision chain has 2 heads (${[note, tag].sort().join(', ')}); join them with a merge revision first: watcher-db-manage merge -m "merge heads"`,
    );
    expect(project.run(undefined, ['merge', '-m', 'x', note]).stderr).to.match(/needs two revisions or more/);
    const made = JSON.parse(project.mustRun(undefined, ['merge', '-m', 'merge note and tag', '--json']).stdout) as { id: string; parent: string[]; file: string };
    expect([...made.parent].sort()).to.deep.equal([note, tag].sort());
    expect(fs.readFileSync(made.file, 'utf8')).to.contain(`parent: [${made.parent.map((p) => `'${p}'`).join(', ')}],`);
    merge = made.id;
    expect(project.run(undefined, ['merge', '-m', 'again']).stderr).to.match(/nothing to merge: the revision chain has 1 head\(s\) \(\w+\)/);
    project.mustBuild();
    expect(project.mustRun(undefined, ['heads']).stdout.trim()).to.equal(`${merge} (head), merge note and tag`);
    const history = project.mustRun(undefined, ['history']).stdout.trim().split('\n');
    expect(history[0]).to.equal(`${made.parent.join(', ')} -> ${merge} (head) (mergepoint), merge note and tag`);
    expect(history[3]).to.match(new RegExp(`-> ${head} \\(branchpoint\\), `));
    expect(history.slice(1, 3).sort()).to.deep.equal([`${head} -> ${note}, add note to audits`, `${head} -> ${tag}, add tag to goals`].sort());
  });

  for (const backend of BACKENDS) {
    describe(`on ${backend}`, () => {
      let db: TempDatabase;
      before(async () => {
        db = await createTempDatabase(backend);
      });
      after(async () => db?.drop());
      const run = (...args: string[]) => project.mustRun(db.url, args);
      const rows = () => sqlQuery(db.url, 'SELECT version_num FROM alembic_version ORDER BY version_num;').trim().split('\n').filter(Boolean);
      const columns = (table: string) => {
        const sql = {
          sqlite: `SELECT name FROM pragma_table_info('${table}') WHERE name IN ('note', 'tag');`,
          postgresql: `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' AND column_name IN ('note', 'tag');`,
          mysql: `SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '${table}' AND column_name IN ('note', 'tag');`,
        }[backend];
        return sqlQuery(db.url, sql).trim();
      };

      it('one branch, then the other (a row for each), then the merge; current, --plan and --sql show it; downgrade walks back', () => {
        run('upgrade', note);
        expect(rows()).to.deep.equal([note]);
        // The other branch: a second row, as Alembic inserts a branch whose parent is no head.
        const other = run('upgrade', tag);
        expect(other.stderr).to.contain(`Running upgrade ${head} -> ${tag}, add tag to goals`);
        expect(rows()).to.deep.equal([note, tag].sort());
        expect(run('current').stdout.trim().split('\n')).to.deep.equal(
          [`${note}, add note to audits`, `${tag}, add tag to goals`].sort((a, b) => a.localeCompare(b)),
        );
        expect(project.run(db.url, ['version']).stderr.trim()).to.equal(
          `watcher-db-manage: error: alembic_version holds 2 revisions (${[note, tag].sort().join(', ')}), not one: 'current' shows them`,
        );
        const plan = run('upgrade', '--plan').stdout;
        expect(plan).to.match(new RegExp(`^Plan: upgrade ${[note, tag].sort().join(', ')} -> ${merge} on`, 'm'));
        const up = run('upgrade', '--json');
        expect(JSON.parse(up.stdout)).to.deep.include({ from: [note, tag].sort(), to: merge });
        expect(rows()).to.deep.equal([merge]);
        expect(columns('audits')).to.equal('note');
        expect(columns('goals')).to.equal('tag');
        expect(run('history').stdout).to.contain(`-> ${merge} (head) (current) (mergepoint)`);

        // Down to one parent of the merge: only what is above it is undone, the merge, which turns
        // back into its parents' rows (the other branch is not above that parent, and stays), as
        // Alembic's downgrade does (checked with Alembic 1.8 on SQLite).
        run('downgrade', note, '--yes');
        expect(rows()).to.deep.equal([note, tag].sort());
        expect(columns('goals')).to.equal('tag');
        expect(columns('audits')).to.equal('note');
        run('upgrade');
        expect(rows()).to.deep.equal([merge]);
        // Down to their common parent: both branches go, the first's row deleted, the last's updated.
        run('downgrade', head, '--yes');
        expect(rows()).to.deep.equal([head]);
        expect(columns('audits') + columns('goals')).to.equal('');
      });

      it('--sql from the shared parent writes the row changes Alembic would: update, insert the second branch, delete and update at the merge', () => {
        const [first, second] = [note, tag].sort(); // the order the files sort in, which the walk follows
        const sql = run('upgrade', '--sql', `${head}:head`).stdout;
        const versionLines = sql.split('\n').filter((l) => /alembic_version/.test(l) && !/CREATE/.test(l));
        const t = { sqlite: 'alembic_version', postgresql: '"alembic_version"', mysql: '`alembic_version`' }[backend];
        expect(versionLines).to.deep.equal([
          `UPDATE ${t} SET version_num = '${first}' WHERE version_num = '${head}';`,
          `INSERT INTO ${t} (version_num) VALUES ('${second}');`,
          `DELETE FROM ${t} WHERE version_num = '${first}';`,
          `UPDATE ${t} SET version_num = '${merge}' WHERE version_num = '${second}';`,
        ]);
      });
    });
  }
});

describe('alembic_version through branches and a merge, beside Alembic itself', function () {
  this.timeout(120_000);

  it('after each command the rows are the ones Alembic (python3-alembic) leaves on the same graph', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-alembic-'));
    try {
      // The same graph twice: empty revisions for us (plain JS), and for Alembic.
      const graph: [string, string[]][] = [['aaaa00000000', []], ['bbbb00000001', ['aaaa00000000']], ['cccc00000002', ['aaaa00000000']], ['dddd00000003', ['bbbb00000001', 'cccc00000002']]];
      const ours = path.join(root, 'ours');
      const theirs = path.join(root, 'alembic', 'versions');
      fs.mkdirSync(ours);
      fs.mkdirSync(theirs, { recursive: true });
      for (const [id, parents] of graph) {
        const parent = parents.length === 0 ? 'null' : parents.length === 1 ? `'${parents[0]}'` : `[${parents.map((p) => `'${p}'`).join(', ')}]`;
        fs.writeFileSync(path.join(ours, `${id}_r.js`), `exports.revision = { id: '${id}', parent: ${parent}, message: 'r', created: '2026-01-01T00:00:00', up: async () => {}, down: async () => {} };\n`);
        const down = parents.length === 0 ? 'None' : parents.length === 1 ? `'${parents[0]}'` : `(${parents.map((p) => `'${p}'`).join(', ')})`;
        fs.writeFileSync(path.join(theirs, `${id}.py`), `revision = '${id}'\ndown_revision = ${down}\ndef upgrade(): pass\ndef downgrade(): pass\n`);
      }
      fs.writeFileSync(
        path.join(root, 'alembic', 'env.py'),
        'from alembic import context\nfrom sqlalchemy import create_engine\n' +
          'with create_engine(context.config.get_main_option("sqlalchemy.url")).connect() as c:\n' +
          '    context.configure(connection=c)\n    with context.begin_transaction():\n        context.run_migrations()\n',
      );
      const theirDb = path.join(root, 'theirs.sqlite');
      fs.writeFileSync(path.join(root, 'alembic.ini'), `[alembic]\nscript_location = ${path.join(root, 'alembic')}\nsqlalchemy.url = sqlite:///${theirDb}\n`);
      const ourDb = `sqlite:///${path.join(root, 'ours.sqlite')}`;
      const rowsOf = (url: string) => sqlQuery(url, 'SELECT version_num FROM alembic_version ORDER BY version_num;').trim().split('\n').filter(Boolean);
      const steps = [['upgrade', 'bbbb00000001'], ['upgrade', 'cccc00000002'], ['upgrade', 'head'], ['downgrade', 'bbbb00000001'], ['upgrade', 'head'], ['downgrade', 'aaaa00000000'], ['downgrade', 'base']];
      for (const step of steps) {
        const alembic = spawnSync('/usr/bin/python3', ['-m', 'alembic', '-c', path.join(root, 'alembic.ini'), ...step], { encoding: 'utf8' });
        expect(alembic.status, alembic.stderr).to.equal(0);
        const r = runCli(['--migrations-dir', ours, ...step, ...(step[0] === 'downgrade' ? ['--yes'] : [])], { env: { OS_DATABASE__CONNECTION: ourDb } });
        expect(r.status, r.stderr).to.equal(0);
        expect(rowsOf(ourDb), step.join(' ')).to.deep.equal(rowsOf(`sqlite:///${theirDb}`));
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
