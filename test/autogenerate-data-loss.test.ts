// Data-loss warnings of revision --autogenerate (issue 14, item 4), on every backend:
// - in process: the annotator's counts against real rows of every kind of type change it counts
//   (lengths, fractions, ranges, 0/1, the non-NULL fallback), drops of tables and columns, and
//   nothing for widenings, empty tables and all-NULL columns;
// - in a scratch checkout through the compiled CLI, as a developer meets them: rows inserted, entities
//   edited (a table with rows and one without removed, a column with values and one NULL everywhere
//   removed, a varchar narrowed below some of its values and one narrowed above all of them); the
//   warnings (--json and stderr) name exactly the first of each pair with the inserted counts, the file
//   carries each directly above its operation, and the file then upgrades and downgrades.
import { expect } from 'chai';
import fs from 'node:fs';
import { dataLossAnnotator, typeChangeLoss } from '../src/autogenerate/data-loss';
import { openSession, Session } from '../src/connection/session';
import { AlterColumnType, DropColumn, DropTable, RenameColumn, SchemaOperation } from '../src/operations';
import type { Backend as KitBackend } from '../src/portable/backend';
import { withRunner } from '../src/runtime/transaction';
import { ColumnModel, ColumnType, TableModel } from '../src/schema/model';
import { Backend, BACKENDS, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { ScratchProject } from './support/scratch-project';

const KIT: Record<Backend, KitBackend> = { sqlite: 'sqlite', postgresql: 'postgres', mysql: 'mysql' };

const T = {
  integer: { kind: 'integer' },
  text: { kind: 'text' },
  datetime: { kind: 'datetime' },
  boolean: { kind: 'boolean' },
  numeric: { kind: 'numeric' },
  binary: { kind: 'binary' },
  string: (length: number) => ({ kind: 'string', length }),
  float: (precision?: number) => ({ kind: 'float', precision }),
} satisfies Record<string, ColumnType | ((n: number) => ColumnType)>;

describe('data-loss rules for type changes', () => {
  it('widenings lose nothing, on every backend', () => {
    const widenings: [ColumnType, ColumnType][] = [
      [T.string(63), T.string(127)],
      [T.string(255), T.text],
      [T.integer, T.string(36)],
      [T.integer, T.string(11)],
      [T.integer, T.text],
      [T.integer, T.numeric],
      [T.boolean, T.integer],
      [T.boolean, T.string(5)],
      [T.datetime, T.string(26)],
      [T.datetime, T.text],
      [T.float(), T.text],
    ];
    for (const backend of Object.values(KIT)) {
      for (const [from, to] of widenings) expect(typeChangeLoss(backend, from, to), `${backend} ${JSON.stringify([from, to])}`).to.equal(null);
    }
  });

  it('narrowings are counted by the values that do not fit where a predicate tells, else by every non-NULL value', () => {
    const counts = (backend: KitBackend, from: ColumnType, to: ColumnType) => typeChangeLoss(backend, from, to)?.counts;
    expect(counts('postgres', T.string(255), T.string(10))).to.equal('affected');
    expect(counts('sqlite', T.text, T.string(10))).to.equal('affected');
    expect(counts('mysql', T.integer, T.string(5))).to.equal('affected');
    expect(counts('mysql', T.float(), T.integer)).to.equal('affected');
    expect(counts('postgres', T.integer, T.boolean)).to.equal('affected');
    expect(counts('postgres', T.text, T.integer)).to.equal('non-null');
    expect(counts('sqlite', T.string(36), T.datetime)).to.equal('non-null');
    expect(counts('mysql', T.binary, T.text)).to.equal('non-null');
    // A single-precision float rounds big integers and doubles; a double does not (SQLite's is always one).
    expect(counts('postgres', T.integer, T.float(10))).to.equal('affected');
    expect(counts('postgres', T.integer, T.float())).to.equal(undefined);
    expect(counts('sqlite', T.integer, T.float(10))).to.equal(undefined);
    expect(counts('mysql', T.float(53), T.float())).to.equal('non-null');
    // MySQL's Numeric() is decimal(10,0): a float loses its fraction there only.
    expect(counts('mysql', T.float(), T.numeric)).to.equal('affected');
    expect(counts('postgres', T.float(), T.numeric)).to.equal(undefined);
  });
});

const col = (name: string, type: ColumnType): ColumnModel => ({ name, type, nullable: true, autoincrement: false });
const table = (name: string, columns: ColumnModel[]): TableModel => ({ name, columns, primaryKey: { columns: ['id'] }, uniques: [], indexes: [], foreignKeys: [] });

for (const backend of BACKENDS) {
  describe(`data-loss warnings on ${backend}`, function () {
    this.timeout(120_000);
    let db: TempDatabase;
    let session: Session;

    before(async () => {
      db = await createTempDatabase(backend);
      const timestamp = backend === 'postgresql' ? 'TIMESTAMP' : 'DATETIME';
      sqlQuery(
        db.url,
        `CREATE TABLE dl_probe (id INTEGER PRIMARY KEY, s VARCHAR(40), t TEXT, i INTEGER, f DOUBLE PRECISION, n NUMERIC(12,2), b BOOLEAN, d ${timestamp}, z TEXT);
         INSERT INTO dl_probe (id, s, t, i, f, n, b, d) VALUES
           (1, 'short', 'tiny', 5, 1.0, 2.00, TRUE, '2024-01-01 10:00:00'),
           (2, 'a string longer than 10', 'a text that is long', 20000000, 2.5, 3.75, FALSE, '2024-01-02 10:00:00'),
           (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           (4, 'exactlyten', NULL, -3, 3000000000, 7, NULL, NULL);
         CREATE TABLE dl_empty (id INTEGER PRIMARY KEY, s VARCHAR(40));`,
      );
      session = await openSession(db.url);
    });
    after(async () => {
      await session?.close();
      await db?.drop();
    });

    const probe = table('dl_probe', [col('id', T.integer), col('s', T.string(40)), col('z', T.text)]);
    const alter = (column: string, from: ColumnType, to: ColumnType) => new AlterColumnType('dl_probe', column, from, to, true);

    it('counts, in one read each, the rows each drop or type change would lose, and says nothing where none would', async () => {
      const expected: [SchemaOperation, string | null][] = [
        [new DropTable(probe.name, probe), "Data loss: dropping table 'dl_probe' deletes its 4 rows"],
        [new DropTable('dl_empty', table('dl_empty', [col('id', T.integer)])), null],
        [new DropColumn('dl_probe', 's', col('s', T.string(40))), "Data loss: dropping column 'dl_probe.s' deletes the non-NULL values of 3 rows"],
        [new DropColumn('dl_probe', 'z', col('z', T.text)), null],
        // 'exactlyten' fits String(10) exactly.
        [alter('s', T.string(40), T.string(10)), "Data loss: changing 'dl_probe.s' from String(40) to String(10): 1 row holds a value longer than 10 characters"],
        [alter('s', T.string(40), T.string(60)), null],
        [alter('t', T.text, T.string(10)), "Data loss: changing 'dl_probe.t' from Text to String(10): 1 row holds a value longer than 10 characters"],
        [alter('i', T.integer, T.string(5)), "Data loss: changing 'dl_probe.i' from Integer to String(5): 1 row holds a value longer than 5 characters"],
        [alter('i', T.integer, T.string(11)), null],
        [alter('i', T.integer, T.boolean), "Data loss: changing 'dl_probe.i' from Integer to Boolean: 3 rows hold values other than 0 and 1"],
        [
          alter('i', T.integer, T.float(10)),
          backend === 'sqlite' ? null : "Data loss: changing 'dl_probe.i' from Integer to Float(10): 1 row holds a value beyond ±16777216, which a single-precision float does not hold exactly",
        ],
        // 2.5 has a fraction, 3000000000 is beyond the Integer range, 1.0 loses nothing.
        [alter('f', T.float(53), T.integer), "Data loss: changing 'dl_probe.f' from Float(53) to Integer: 2 rows hold values outside the whole numbers of the Integer range"],
        [alter('n', T.numeric, T.integer), "Data loss: changing 'dl_probe.n' from Numeric to Integer: 1 row holds a value outside the whole numbers of the Integer range"],
        [alter('d', T.datetime, T.string(10)), "Data loss: changing 'dl_probe.d' from DateTime to String(10): 2 rows hold values longer than 10 characters"],
        [
          alter('t', T.text, T.integer),
          "Data loss: changing 'dl_probe.t' from Text to Integer: 2 rows hold values that may not convert (all non-NULL values counted: which of them would change is not checked)",
        ],
        [alter('b', T.boolean, T.integer), null],
        [alter('z', T.text, T.integer), null],
      ];
      const operations = expected.map(([op]) => op);
      const found = await withRunner(session, (runner) => Promise.resolve(dataLossAnnotator(runner, operations)));
      const got = operations.map((op) => found.filter((a) => a.operation === op).map((a) => a.text));
      expect(got).to.deep.equal(expected.map(([, text]) => (text ? [text] : [])));
    });

    it('counts a narrowing of a renamed column (--rename) under the name the database has for it', async () => {
      const rename = new RenameColumn('dl_probe', 's', 'label');
      const narrow = new AlterColumnType('dl_probe', 'label', T.string(40), T.string(10), true);
      const found = await withRunner(session, (runner) => Promise.resolve(dataLossAnnotator(runner, [rename, narrow])));
      expect(found.map((a) => [a.operation, a.text])).to.deep.equal([
        [narrow, "Data loss: changing 'dl_probe.s' from String(40) to String(10): 1 row holds a value longer than 10 characters"],
      ]);
    });
  });
}

/**
 * What the scratch test inserts: 4 scoring engines; 3 services, one with last_seen_up set (two NULL),
 * two with names longer than 10 characters, every host shorter; 2 goals, uuid NULL in both.
 */
const SCORING_ENGINES = 4;

const WARNINGS: Record<string, string> = {
  "Detected removed table 'scoring_engines'": `Data loss: dropping table 'scoring_engines' deletes its ${SCORING_ENGINES} rows`,
  "Detected removed column 'services.last_seen_up'": "Data loss: dropping column 'services.last_seen_up' deletes the non-NULL values of 1 row",
  "Detected type change from String(255) to String(10) on 'services.name'":
    "Data loss: changing 'services.name' from String(255) to String(10): 2 rows hold values longer than 10 characters",
};

/** Each of these loses nothing: no warning may name them. */
const SILENT = [
  "Detected removed table 'action_descriptions'",
  "Detected removed column 'goals.uuid'",
  "Detected type change from String(255) to String(10) on 'services.host'",
];

interface RevisionJson {
  id: string;
  file: string;
  operations: string[];
  warnings: string[];
}

for (const backend of BACKENDS) {
  describe(`data-loss warnings from revision --autogenerate on ${backend}`, function () {
    this.timeout(15 * 60_000);
    let db: TempDatabase;
    let scratch: ScratchProject;

    before(async () => {
      db = await createTempDatabase(backend);
      scratch = ScratchProject.create('wdm-data-loss-');
    });
    after(async () => {
      await db?.drop();
      scratch?.remove();
    });

    const cli = (args: string[]) => scratch.mustRun(db.url, args);
    const build = () => scratch.mustBuild();
    const count = (sql: string) => Number(sqlQuery(db.url, sql).trim());

    it('warns about exactly the drops and the narrowing that lose rows, with their counts, on stderr, in --json and in the file; the file then runs', () => {
      cli(['upgrade', 'head']);
      // The shipped models differ from the shipped chain (see autogenerate.test.ts): a first revision
      // absorbs that drift, on empty tables, so it warns about nothing.
      const drift = JSON.parse(cli(['revision', '-m', 'models drift', '--autogenerate', '--include-known-drift', '--json']).stdout) as RevisionJson;
      expect(drift.warnings).to.deep.equal([]);

      // The edits are to the sources; the CLI runs dist/, which the next build makes of both.
      scratch.replace('entities/index.ts', '  ScoringEngine, Service, ActionDescription, ApschedulerJob,\n];', '  Service, ApschedulerJob,\n];');
      scratch.replace('entities/service.ts', "  @Column({ type: 'datetime', nullable: true })\n  last_seen_up!: Date | null;\n", '');
      scratch.replace('entities/service.ts', "length: 255 })\n  name!", "length: 10 })\n  name!");
      scratch.replace('entities/service.ts', "length: 255 })\n  host!", "length: 10 })\n  host!");
      scratch.replace('entities/goal.ts', "@Unique('uniq_goals0uuid', ['uuid'])\n", '');
      scratch.replace('entities/goal.ts', "  @Column({ type: 'varchar', length: 36, nullable: true })\n  uuid!: string | null;\n", '');
      build();
      cli(['upgrade', 'head']);

      sqlQuery(
        db.url,
        `INSERT INTO scoring_engines (uuid, name, deleted) VALUES ${Array.from({ length: SCORING_ENGINES }, (_, i) => `('se-${i}', 'engine-${i}', 0)`).join(', ')};
         INSERT INTO services (name, host, last_seen_up, deleted) VALUES
           ('watcher-applier', 'host-a', '2024-01-01 10:00:00', 0),
           ('watcher-decision-engine', 'host-b', NULL, 0),
           ('api', 'host-c', NULL, 0);
         INSERT INTO goals (name, display_name, efficacy_specification, deleted) VALUES
           ('dummy', 'Dummy goal', '[]', 0), ('server_consolidation', 'Server consolidation', '[]', 0);`,
      );

      const r = cli(['revision', '-m', 'drop what holds data', '--autogenerate', '--json']);
      const result = JSON.parse(r.stdout) as RevisionJson;
      for (const op of [...Object.keys(WARNINGS), ...SILENT]) expect(result.operations, op).to.include(op);
      // In the order of their operations.
      const expected = result.operations.filter((op) => op in WARNINGS).map((op) => WARNINGS[op]);
      expect(expected).to.have.length(3);
      expect(result.warnings).to.deep.equal(expected);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('WARNING'))).to.deep.equal(expected.map((w) => `WARNING ${w}`));

      const lines = fs.readFileSync(result.file, 'utf8').split('\n');
      for (const [op, warning] of Object.entries(WARNINGS)) {
        const at = lines.indexOf(`    // ${warning}`);
        expect(at, warning).to.be.greaterThan(-1);
        expect(lines[at + 1], warning).to.equal(`    // ${op}`);
      }
      // Only those three, and only in up (before down starts).
      const marked = lines.flatMap((l, i) => (l.includes('Data loss') ? [i] : []));
      expect(marked).to.have.length(3);
      expect(Math.max(...marked)).to.be.lessThan(lines.findIndex((l) => /async down\(/.test(l)));

      build();
      if (backend === 'mysql') {
        // MariaDB's strict mode (the server default) refuses to cut a value: the ALTER of services.name
        // fails on the very rows the warning counted, so they are shortened first, as the developer
        // warned would have to.
        sqlQuery(db.url, 'UPDATE services SET name = LEFT(name, 10);');
      }
      cli(['upgrade', 'head']);
      expect(count('SELECT COUNT(*) FROM services;')).to.equal(3);
      if (backend === 'postgresql') {
        // The USING cast cuts what does not fit: the loss the warning announced.
        expect(count('SELECT COUNT(*) FROM services WHERE CHAR_LENGTH(name) = 10;')).to.equal(2);
      }
      cli(['downgrade', drift.id]);
      // The schema comes back; the data the warnings named does not.
      expect(count('SELECT COUNT(*) FROM scoring_engines;')).to.equal(0);
      expect(count('SELECT COUNT(*) FROM services WHERE last_seen_up IS NOT NULL;')).to.equal(0);
      expect(count('SELECT COUNT(*) FROM goals;')).to.equal(2);
    });
  });
}
