// revision --autogenerate with server defaults and NOT NULL columns, as a Watcher developer meets
// them: in a scratch checkout, entity classes are edited, a revision is generated through the
// compiled CLI, the project is built, and a populated database (rows in goals, a strategy pointing at
// one of them) is upgraded, checked and downgraded, on every backend.
// - Defaults (a constant and CURRENT_TIMESTAMP) are rendered on added columns and fill the existing
//   rows; a NOT NULL column without one gets a placeholder that stops the build until it is filled in,
//   and then fills the rows; SQLite rebuilds the table for the column it cannot add in place.
// - A default added to, changed on or removed from an existing column is found and applied, and
//   undone exactly by downgrade.
// - create_schema builds the same defaults, and `check` is clean after each upgrade.
import { expect } from 'chai';
import { BACKENDS, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { ScratchProject } from './support/scratch-project';
import { dumpSchema } from './support/schema-dump';

/** The columns step 1 adds to goals, after efficacy_specification. */
const ADDED_COLUMNS = `
  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ type: 'datetime', default: () => 'CURRENT_TIMESTAMP' })
  listed_at!: Date;

  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'varchar', length: 255, nullable: true, default: 'none' })
  note!: string | null;
}
`;

const GOALS = "INSERT INTO goals (uuid, name, display_name, efficacy_specification, deleted) VALUES ('u1', 'g1', 'G1', '[]', 0), ('u2', 'g2', 'G2', '[]', 0), ('u3', 'g3', 'G3', '[]', 0);";
const STRATEGY = "INSERT INTO strategies (uuid, name, display_name, goal_id, deleted) VALUES ('s1', 's1', 'S1', 1, 0);";

function lines(text: string): string[] {
  return text.split('\n').filter(Boolean);
}

for (const backend of BACKENDS) {
  describe(`autogenerate with defaults and NOT NULL columns on ${backend}`, function () {
    this.timeout(15 * 60_000);
    let project: ScratchProject;
    let db: TempDatabase;
    const dumps: { baseline?: string; added?: string; changed?: string } = {};
    let drift = '';
    const files: { added?: string; changed?: string } = {};

    const cli = (args: string[]) => project.mustRun(db.url, args);
    const build = () => project.mustBuild();
    const generate = (message: string) => JSON.parse(cli(['revision', '-m', message, '--autogenerate', '--json']).stdout) as { id: string; file: string; operations: string[] };

    before(async () => {
      project = ScratchProject.create('wdm-autogen-defaults-');
      db = await createTempDatabase(backend);
      drift = project.absorbModelDrift(db.url).id;
      sqlQuery(db.url, GOALS + STRATEGY);
      dumps.baseline = dumpSchema(db.url);
    });
    after(async () => {
      await db?.drop();
      project?.remove();
    });

    it('renders the defaults of added columns, and a placeholder that stops the build for a NOT NULL column without one', () => {
      project.replace('entities/goal.ts', '  efficacy_specification!: string;\n}\n', `  efficacy_specification!: string;\n${ADDED_COLUMNS}`);
      build();
      const { file, operations } = generate('goal priorities');
      files.added = file;
      expect(operations).to.deep.equal([
        "Detected added column 'goals.priority'",
        "Detected added column 'goals.listed_at'",
        "Detected added column 'goals.kind'",
        "Detected added column 'goals.note'",
      ]);
      const text = project.read(`migrations/${file.split('/').pop()}`);
      expect(text).to.contain("await addColumn(db, 'goals', column('priority', sa.Integer, { nullable: false, default: 0 }));");
      expect(text).to.contain("await addColumn(db, 'goals', column('listed_at', sa.DateTime, { nullable: false, default: sa.text('CURRENT_TIMESTAMP') }));");
      expect(text).to.contain("await addColumn(db, 'goals', column('note', sa.String(255), { default: 'none' }));");
      expect(text).to.contain('// TODO: goals.kind is NOT NULL without a default');
      expect(text).to.contain("await addColumn(db, 'goals', column('kind', sa.String(20), { nullable: false }), { fill: TODO_FILL_goals_kind });");
      const refused = project.build();
      expect(refused.status).to.not.equal(0);
      expect(refused.output).to.contain("Cannot find name 'TODO_FILL_goals_kind'");
    });

    it('once the placeholder is filled in, upgrades the populated table: the rows get the defaults and the filled value, and check is clean', () => {
      project.replace(`migrations/${(files.added as string).split('/').pop()}`, '{ fill: TODO_FILL_goals_kind }', "{ fill: 'general' }");
      build();
      cli(['upgrade']);
      expect(lines(sqlQuery(db.url, 'SELECT id, priority, kind, note FROM goals ORDER BY id;'))).to.deep.equal(
        ['1', '2', '3'].map((id) => [id, '0', 'general', 'none'].join(backend === 'mysql' ? '\t' : '|')),
      );
      expect(sqlQuery(db.url, 'SELECT COUNT(*) FROM goals WHERE listed_at IS NULL;').trim()).to.equal('0');
      // The strategy still points at its goal (SQLite rebuilt goals for listed_at).
      expect(sqlQuery(db.url, 'SELECT COUNT(*) FROM strategies s JOIN goals g ON g.id = s.goal_id;').trim()).to.equal('1');
      // A row inserted without them gets the defaults.
      sqlQuery(db.url, "INSERT INTO goals (uuid, name, display_name, efficacy_specification, kind) VALUES ('u4', 'g4', 'G4', '[]', 'x');");
      expect(lines(sqlQuery(db.url, "SELECT priority, note FROM goals WHERE uuid = 'u4';"))).to.deep.equal([backend === 'mysql' ? '0\tnone' : '0|none']);
      expect(sqlQuery(db.url, "SELECT COUNT(*) FROM goals WHERE uuid = 'u4' AND listed_at IS NOT NULL;").trim()).to.equal('1');
      const check = project.run(db.url, ['check']);
      expect(check.status, check.stdout + check.stderr).to.equal(0);
      dumps.added = dumpSchema(db.url);
    });

    it('finds a default added to, changed on and removed from existing columns, applies it, and downgrade undoes it exactly', () => {
      project.replace('entities/goal.ts', "  @Column({ type: 'varchar', length: 63 })\n  display_name", "  @Column({ type: 'varchar', length: 63, default: 'unnamed' })\n  display_name");
      project.replace('entities/goal.ts', "type: 'integer', default: 0 }", "type: 'integer', default: 5 }");
      project.replace('entities/goal.ts', "nullable: true, default: 'none' }", 'nullable: true }');
      build();
      const { file, operations } = generate('goal defaults');
      files.changed = file;
      expect(operations).to.deep.equal([
        "Detected server default change from none to 'unnamed' on 'goals.display_name'",
        "Detected server default change from 0 to 5 on 'goals.priority'",
        "Detected server default change from 'none' to none on 'goals.note'",
      ]);
      const text = project.read(`migrations/${file.split('/').pop()}`);
      expect(text).to.contain("await alterColumnDefault(db, 'goals', 'priority', 5);");
      expect(text).to.contain("await alterColumnDefault(db, 'goals', 'note', null);");
      expect(text).to.contain("await alterColumnDefault(db, 'goals', 'note', 'none');");
      build();
      cli(['upgrade']);
      const check = project.run(db.url, ['check']);
      expect(check.status, check.stdout + check.stderr).to.equal(0);
      sqlQuery(db.url, "INSERT INTO goals (uuid, name, efficacy_specification, kind) VALUES ('u5', 'g5', '[]', 'x');");
      const row = lines(sqlQuery(db.url, "SELECT display_name, priority, note FROM goals WHERE uuid = 'u5';"));
      expect(row).to.deep.equal([backend === 'mysql' ? 'unnamed\t5\tNULL' : 'unnamed|5|']);
      // The rows already there keep their values.
      expect(sqlQuery(db.url, "SELECT priority FROM goals WHERE uuid = 'u1';").trim()).to.equal('0');
      dumps.changed = dumpSchema(db.url);

      sqlQuery(db.url, "DELETE FROM goals WHERE uuid IN ('u4', 'u5');");
      cli(['downgrade', '-1']);
      expect(dumpSchema(db.url)).to.equal(dumps.added);
      // Drops the added columns, with the values the rows hold in them: on purpose.
      cli(['downgrade', '-1', '--yes']);
      expect(dumpSchema(db.url)).to.equal(dumps.baseline);
      expect(lines(sqlQuery(db.url, 'SELECT name FROM goals ORDER BY id;'))).to.deep.equal(['g1', 'g2', 'g3']);
    });

    it('offline (--sql), the scripts fill the rows and give the schema of the online run, up and down', async () => {
      const other = await createTempDatabase(backend);
      try {
        const ok = (args: string[]) => project.mustRun(other.url, args).stdout;
        ok(['upgrade', drift]);
        sqlQuery(other.url, GOALS + STRATEGY);
        sqlQuery(other.url, ok(['upgrade', `${drift}:head`, '--sql']));
        expect(dumpSchema(other.url)).to.equal(dumps.changed);
        expect(lines(sqlQuery(other.url, 'SELECT kind FROM goals ORDER BY id;'))).to.deep.equal(['general', 'general', 'general']);
        sqlQuery(other.url, ok(['downgrade', `head:${drift}`, '--sql']));
        expect(dumpSchema(other.url)).to.equal(dumps.baseline);
        expect(lines(sqlQuery(other.url, 'SELECT name FROM goals ORDER BY id;'))).to.deep.equal(['g1', 'g2', 'g3']);
      } finally {
        await other.drop();
      }
    });

    it('create_schema builds the entities with their defaults', async () => {
      const fresh = await createTempDatabase(backend);
      try {
        const created = project.run(fresh.url, ['create_schema']);
        expect(created.status, created.stderr).to.equal(0);
        const check = project.run(fresh.url, ['check']);
        expect(check.status, check.stdout + check.stderr).to.equal(0);
        sqlQuery(fresh.url, "INSERT INTO goals (uuid, name, efficacy_specification, kind) VALUES ('u1', 'g1', '[]', 'x');");
        expect(lines(sqlQuery(fresh.url, "SELECT display_name, priority FROM goals WHERE uuid = 'u1';"))).to.deep.equal([backend === 'mysql' ? 'unnamed\t5' : 'unnamed|5']);
        expect(sqlQuery(fresh.url, 'SELECT COUNT(*) FROM goals WHERE listed_at IS NOT NULL;').trim()).to.equal('1');
      } finally {
        await fresh.drop();
      }
    });
  });
}
