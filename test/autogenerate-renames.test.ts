// Renamed columns in `revision --autogenerate`, on every backend, as a Watcher developer meets them:
// in a scratch checkout (support/scratch-project.ts) whose entities are edited, with its compiled CLI,
// on a real database holding rows. Two columns of goals are renamed in the entities: `name` (in the
// unique key uniq_goals0name) to `title`, same type, and `display_name` to `label`, widened from
// varchar(63) to varchar(127).
// - Without --rename: drops and adds, and a warning for each drop and add of the same stored type,
//   printed and written above both operations in the file;
// - bad --rename values: one line, a non-zero exit, no file;
// - with --rename: renames (and then the type change), no drop or add; upgraded, the rows keep their
//   values under the new names, and `check` finds nothing; downgrade -1 gives the old names, the rows,
//   and the schema exactly as before;
// - MySQL: a rerun of the revision after a run stopped after its first rename finishes it;
// - offline (--sql), the scripts do the same to the rows and the schema.
import { expect } from 'chai';
import fs from 'node:fs';
import { Backend, BACKENDS, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { CliResult } from './support/cli';
import { ScratchProject } from './support/scratch-project';
import { dumpSchema } from './support/schema-dump';

const ENTITY = 'entities/goal.ts';

const ROWS = [
  [1, 'dummy', 'Dummy goal'],
  [2, 'server_consolidation', 'Server Consolidation'],
  [3, 'thermal_optimization', 'Thermal Optimization'],
];

const HINTS = [
  "'goals.name' and 'goals.title' may be a rename: to keep the data, generate again with --rename goals.name=title",
  "'goals.display_name' and 'goals.title' may be a rename: to keep the data, generate again with --rename goals.display_name=title",
];

/** What renameColumn sends for goals.name. */
const RENAME_STATEMENT: Record<Backend, string> = {
  postgresql: 'ALTER TABLE "goals" RENAME COLUMN "name" TO "title"',
  mysql: 'ALTER TABLE `goals` RENAME COLUMN `name` TO `title`, ALGORITHM=INSTANT',
  sqlite: 'ALTER TABLE "goals" RENAME COLUMN "name" TO "title"',
};

function ok(r: CliResult, what: string): CliResult {
  expect(r.status, `${what} failed:\n${r.stderr}\n${r.stdout.slice(-2000)}`).to.equal(0);
  return r;
}

/** The goals' ids and the two columns, whatever each client separates them with. */
function goals(url: string, columns: [string, string]): string[][] {
  const out = sqlQuery(url, `SELECT id, ${columns.join(', ')} FROM goals ORDER BY id;`);
  return out.split('\n').filter(Boolean).map((line) => line.split(/[|\t]/));
}

const expectedRows = () => ROWS.map((r) => r.map(String));

for (const backend of BACKENDS) {
  describe(`revision --autogenerate --rename on ${backend}`, function () {
    this.timeout(20 * 60_000);
    let db: TempDatabase;
    let project: ScratchProject;
    let drift: string;
    const dumps: { before?: string; renamed?: string } = {};
    const run = (...args: string[]) => project.run(db.url, args);

    before(async () => {
      db = await createTempDatabase(backend);
      project = ScratchProject.create('wdm-renames-');
      ok(run('upgrade'), 'upgrade');
      // The shipped models differ from the chain (check exits 3 at head): a first revision takes that
      // drift away, so that the next one holds the renames alone.
      drift = (JSON.parse(ok(run('revision', '-m', 'models drift', '--autogenerate', '--include-known-drift', '--json'), 'drift revision').stdout) as { id: string }).id;
      project.replace(ENTITY, "@Column({ type: 'varchar', length: 63 })\n  name!: string;", "@Column({ name: 'title', type: 'varchar', length: 63 })\n  name!: string;");
      project.replace(ENTITY, "@Column({ type: 'varchar', length: 63 })\n  display_name!: string;", "@Column({ name: 'label', type: 'varchar', length: 127 })\n  display_name!: string;");
      const built = project.build();
      expect(built.status, built.output).to.equal(0);
      ok(run('upgrade'), 'upgrade to the drift revision');
      const values = ROWS.map(([id, name, display]) => `(${id}, 'uuid-${id}', '${name}', '${display}', '[]', 0)`).join(', ');
      sqlQuery(db.url, `INSERT INTO goals (id, uuid, name, display_name, efficacy_specification, deleted) VALUES ${values};`);
      dumps.before = dumpSchema(db.url);
    });
    after(async () => {
      await db?.drop();
      project?.remove();
    });

    it('without --rename: a drop and an add, and for each pair of the same type a warning, printed and above both in the file', () => {
      const files = project.revisionFiles();
      const r = ok(run('revision', '-m', 'rename goal columns', '--autogenerate'), 'revision');
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('WARNING '));
      // The data-loss warnings of the two drops too (data-loss.ts): a drop and an add lose the column's values.
      const loss = ['name', 'display_name'].map((c) => `Data loss: dropping column 'goals.${c}' deletes the non-NULL values of ${ROWS.length} rows`);
      expect(warnings).to.deep.equal([...HINTS, ...loss].map((h) => `WARNING ${h}`));
      const file = /^Generating (.+) \.\.\. done$/m.exec(r.stdout)?.[1] as string;
      const text = fs.readFileSync(file, 'utf8');
      expect(text).to.contain(`    // ${HINTS[0]}\n    // Detected removed column 'goals.name'\n    await dropColumn(db, 'goals', 'name');`);
      expect(text).to.contain(`    // ${HINTS[1]}\n    // Detected removed column 'goals.display_name'\n    await dropColumn(db, 'goals', 'display_name');`);
      // title is NOT NULL without a default: the add asks for the value of the rows (render/column.ts).
      expect(text).to.contain(`    // ${HINTS[0]}\n    // ${HINTS[1]}\n    // Detected added column 'goals.title'\n    // TODO: goals.title is NOT NULL without a default`);
      // Not a pair: the widened column has another type than either dropped one.
      expect(text).to.match(/\n {4}\/\/ Detected added column 'goals\.label'\n/);
      expect(text).to.not.contain('renameColumn');
      // Dropped before the next revision: it is the one --rename is for.
      fs.rmSync(file);
      expect(project.revisionFiles()).to.deep.equal(files);
    });

    it('bad --rename values: one line, a non-zero exit, no file written', () => {
      const files = project.revisionFiles();
      // A table of the database's own, which no entity describes.
      sqlQuery(db.url, 'CREATE TABLE extras (id integer PRIMARY KEY, a varchar(10));');
      const cases: [string[], number, string][] = [
        [['--rename', 'goals.name'], 2, '--rename takes TABLE.OLD=NEW, e.g. --rename goals.title=name (got "goals.name")'],
        [['--rename', 'goals.name=title=x'], 2, '--rename takes TABLE.OLD=NEW, e.g. --rename goals.title=name (got "goals.name=title=x")'],
        [['--rename', 'name=title'], 2, '--rename takes TABLE.OLD=NEW, e.g. --rename goals.title=name (got "name=title")'],
        [['--rename', 'nogoals.name=title'], 1, 'Cannot rename nogoals.name to title: the database has no table nogoals'],
        [['--rename', 'extras.a=b'], 1, 'Cannot rename extras.a to b: the entities have no table extras'],
        [['--rename', 'goals.title=title'], 1, 'Cannot rename goals.title to title: the new name is the old one'],
        [['--rename', 'goals.nope=title'], 1, 'Cannot rename goals.nope to title: the database has no column goals.nope'],
        [['--rename', 'goals.uuid=title'], 1, 'Cannot rename goals.uuid to title: the entities still have a column goals.uuid'],
        [['--rename', 'goals.name=nope'], 1, 'Cannot rename goals.name to nope: the entities have no column goals.nope'],
        [['--rename', 'goals.name=uuid'], 1, 'Cannot rename goals.name to uuid: the database already has a column goals.uuid'],
        // The second finds the column gone: the first already renamed it.
        [['--rename', 'goals.name=title', '--rename', 'goals.name=label'], 1, 'Cannot rename goals.name to label: the database has no column goals.name'],
      ];
      try {
        for (const [args, status, message] of cases) {
          const r = run('revision', '-m', 'bad', '--autogenerate', ...args);
          expect(r.status, args.join(' ')).to.equal(status);
          expect(r.stderr.trim(), args.join(' ')).to.equal(`watcher-db-manage: error: ${message}`);
        }
      } finally {
        sqlQuery(db.url, 'DROP TABLE extras;');
      }
      const alone = run('revision', '-m', 'bad', '--rename', 'goals.name=title');
      expect(alone.status).to.not.equal(0);
      expect(alone.stderr.trim().split('\n'), alone.stderr).to.have.length(1);
      expect(alone.stderr).to.contain('--autogenerate');
      expect(project.revisionFiles()).to.deep.equal(files);
    });

    it('with --rename: renames, then the type change; upgraded, the rows keep their values under the new names and check finds nothing', () => {
      const r = ok(run('revision', '-m', 'rename goal columns', '--autogenerate', '--rename', 'goals.name=title', '--rename', 'goals.display_name=label', '--json'), 'revision --rename');
      const result = JSON.parse(r.stdout) as { file: string; parent: string; operations: string[]; warnings: string[] };
      expect(result.parent).to.equal(drift);
      expect(result.operations).to.deep.equal([
        "Detected renamed column 'goals.name' to 'goals.title'",
        "Detected renamed column 'goals.display_name' to 'goals.label'",
        "Detected type change from String(63) to String(127) on 'goals.label'",
      ]);
      expect(result.warnings).to.deep.equal([]);
      const text = fs.readFileSync(result.file, 'utf8');
      expect(text).to.contain("    await renameColumn(db, 'goals', 'name', 'title');\n");
      expect(text).to.contain("    await renameColumn(db, 'goals', 'display_name', 'label');\n");
      expect(text).to.contain("    // Undo: renamed column 'goals.name' to 'goals.title'\n    await renameColumn(db, 'goals', 'title', 'name');\n");
      expect(text).to.not.match(/dropColumn|addColumn|Unique/);
      const built = project.build();
      expect(built.status, built.output).to.equal(0);

      // With every statement logged: the rename is the catalog change (on MariaDB INSTANT, not refused).
      const up = ok(run('--debug', 'upgrade'), 'upgrade').stderr;
      expect(up).to.contain(RENAME_STATEMENT[backend]);
      expect(up).to.not.match(/RENAME COLUMN `name` TO `title`, ALGORITHM=INPLACE/);
      expect(goals(db.url, ['title', 'label'])).to.deep.equal(expectedRows());
      const check = run('check');
      expect(check.status, check.stdout + check.stderr).to.equal(0);
      expect(check.stdout.trim()).to.equal('No changes detected');
      dumps.renamed = dumpSchema(db.url);
      expect(dumps.renamed).to.not.equal(dumps.before);
      // The unique key came along with the column: a second goal of the same title is refused.
      expect(() => sqlQuery(db.url, "INSERT INTO goals (id, uuid, title, label, efficacy_specification, deleted) VALUES (9, 'uuid-9', 'dummy', 'x', '[]', 0);")).to.throw();
    });

    it('downgrade -1: the old names, with the rows, and the schema exactly as before', () => {
      ok(run('downgrade', '--revision=-1'), 'downgrade -1');
      expect(goals(db.url, ['name', 'display_name'])).to.deep.equal(expectedRows());
      expect(dumpSchema(db.url)).to.equal(dumps.before);
    });

    if (backend === 'mysql') {
      it('a rerun after a run stopped after its first rename (committed at once on MySQL) finishes the revision', () => {
        // What the stopped run left: the first statement of the revision done, the version not moved.
        sqlQuery(db.url, 'ALTER TABLE goals RENAME COLUMN name TO title;');
        ok(run('upgrade'), 'upgrade after the stop');
        expect(goals(db.url, ['title', 'label'])).to.deep.equal(expectedRows());
        expect(dumpSchema(db.url)).to.equal(dumps.renamed);
        ok(run('downgrade', '--revision=-1'), 'downgrade -1');
        expect(dumpSchema(db.url)).to.equal(dumps.before);
      });
    }

    it('offline (--sql): the scripts rename, keeping the rows, and give the schema of the online run, up and down', () => {
      const up = ok(run('upgrade', `${drift}:head`, '--sql'), 'upgrade --sql').stdout;
      expect(up).to.match(/RENAME COLUMN .?name.? TO .?title.?/);
      sqlQuery(db.url, up);
      expect(goals(db.url, ['title', 'label'])).to.deep.equal(expectedRows());
      expect(dumpSchema(db.url)).to.equal(dumps.renamed);
      const down = ok(run('downgrade', `head:${drift}`, '--sql'), 'downgrade --sql').stdout;
      sqlQuery(db.url, down);
      expect(goals(db.url, ['name', 'display_name'])).to.deep.equal(expectedRows());
      expect(dumpSchema(db.url)).to.equal(dumps.before);
    });
  });
}
