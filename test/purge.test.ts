// purge: the spec's selection rules against an independent oracle on seeded data, the reference where
// it completes, the interaction (questions, --yes, no terminal, --json), bad input, and atomicity.
import { expect } from 'chai';
import { BACKENDS, Backend, sqlQuery } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, runCli, writeConfig } from './support/cli';
import { runReference } from './support/reference';
import { Dataset, KINDS, OracleOptions, Shape, expectedDeleted, expectedSurvivors, makeDataset, purgeCliArgs, purgeIndexes, seededDatabase, survivors } from './support/purge-dataset';
import { snapshotRows } from './support/watcher-rows';

const SMALL: Shape = { goals: 6, strategiesPerGoal: 2, templatesPerGoal: 2, auditsPerGoal: 3, plansPerAudit: 2, actionsPerPlan: 3, tangle: 0, old: 0.3, young: 0.2 };
const TANGLED: Shape = { ...SMALL, goals: 8, tangle: 0.2 };
const CASCADED: Shape = { ...SMALL, cascade: true };




/** A soft-deleted goal of the dataset (for -t). */
function deletedGoal(data: Dataset): string {
  return data.rows.goals.find((g) => g.state !== 'live')!.uuid;
}

describe('purge', function () {
  for (const backend of BACKENDS) {
    describe(backend, function () {
      const dbs = tempDatabases('all');
      async function fresh(data: Dataset) {
        const s = dbs.keep(await seededDatabase(backend, data));
        return s;
      }

      const tangled = makeDataset(7, TANGLED);
      const cases: [string, (d: Dataset) => OracleOptions][] = [
        ['no option', () => ({})],
        ['-e', () => ({ excludeOrphans: true })],
        ['-d 10', () => ({ aged: true })],
        ['-d 10 -e', () => ({ aged: true, excludeOrphans: true })],
        ['-t GOAL', (d) => ({ goalUuid: deletedGoal(d) })],
        ['-t GOAL -e -d 10', (d) => ({ goalUuid: deletedGoal(d), excludeOrphans: true, aged: true })],
        ['-n 60', () => ({ max: 60 })],
        ['-n 40 -e -d 10', () => ({ max: 40, excludeOrphans: true, aged: true })],
      ];
      for (const [name, options] of cases) {
        it(`${name}: leaves exactly the rows the spec's rules leave (tangled data, oracle)`, async function () {
          const o = options(tangled);
          const { db, conf } = await fresh(tangled);
          const r = runCli(['--config-file', conf, 'purge', ...purgeCliArgs(o, tangled)], { input: 'y\ny\n' });
          expect(r.status, r.stderr + r.stdout).to.equal(0);
          expect(survivors(db.url)).to.deep.equal(expectedSurvivors(tangled, o));
          expect(expectedDeleted(tangled, o)).to.be.greaterThan(0);
        });
      }

      const plain = makeDataset(3, SMALL);
      const cascaded = makeDataset(5, CASCADED);
      for (const [name, data, options] of [
        ['no option', plain, () => ({})],
        ['-n 70', plain, () => ({ max: 70 })],
        ['-t GOAL', cascaded, (d: Dataset) => ({ goalUuid: deletedGoal(d) })],
        ['-d 10 -e', cascaded, () => ({ aged: true, excludeOrphans: true })],
        ['-d 10 -n 40', cascaded, () => ({ aged: true, max: 40 })],
      ] as [string, Dataset, (d: Dataset) => OracleOptions][]) {
        it(`${name}: leaves the rows the reference leaves`, async function () {
          const plain = data;
          const o = options(plain);
          const ours = await fresh(plain);
          const theirs = await fresh(plain);
          const args = purgeCliArgs(o, plain);
          const ref = runReference(theirs.db.url, ['purge', ...args], { input: 'y\ny\n' });
          expect(ref.status, ref.stdout + ref.stderr).to.equal(0);
          const r = runCli(['--config-file', ours.conf, 'purge', ...args], { input: 'y\ny\n' });
          expect(r.status, r.stderr).to.equal(0);
          const left = survivors(ours.db.url);
          expect(left).to.deep.equal(survivors(theirs.db.url));
          expect(left).to.deep.equal(expectedSurvivors(plain, o));
          // The count table is the reference's, character for character.
          const table = (out: string) => out.split('\n').filter((l) => /^[+|]/.test(l)).slice(-5).join('\n');
          expect(table(r.stdout)).to.equal(table(ref.stdout));
        });
      }

      it('--dry-run and a "no" change nothing; --json prints the counts', async function () {
        const { db, conf } = await fresh(plain);
        const before = snapshotRows(db.url);
        const dry = runCli(['--config-file', conf, 'purge', '--dry-run']);
        expect(dry.status, dry.stderr).to.equal(0);
        expect(dry.stdout).to.contain('Here below is a table containing the objects that can be purged (may include orphans):');
        const no = runCli(['--config-file', conf, 'purge'], { input: 'n\n' });
        expect(no.status, no.stderr).to.equal(0);
        expect(no.stdout).to.match(/There are \d+ objects set for deletion\. Continue\? \[y\/N\]/);
        const json = runCli(['--config-file', conf, 'purge', '--dry-run', '--json']);
        expect(json.status, json.stderr).to.equal(0);
        const data = JSON.parse(json.stdout);
        expect(data.outcome).to.equal('dry-run');
        expect(data.counts.total).to.equal(expectedDeleted(plain, {}));
        expect(snapshotRows(db.url)).to.deep.equal(before);
      });

      it('with no terminal and no --yes deletes nothing and says why; --yes purges', async function () {
        const { db, conf } = await fresh(plain);
        const before = snapshotRows(db.url);
        const r = runCli(['--config-file', conf, 'purge']);
        expect(r.status).to.equal(1);
        expect(r.stderr.trim().split('\n')).to.have.length(1);
        expect(r.stderr).to.contain('--yes');
        expect(snapshotRows(db.url)).to.deep.equal(before);
        const yes = runCli(['--config-file', conf, 'purge', '-e', '-y']);
        expect(yes.status, yes.stderr).to.equal(0);
        expect(yes.stdout).to.contain('Purge results summary (orphans excluded):');
        expect(survivors(db.url)).to.deep.equal(expectedSurvivors(plain, { excludeOrphans: true }));
      });

      it('counts and explains the objects the safety rule keeps', async function () {
        const { db, conf } = await fresh(tangled);
        const r = runCli(['--config-file', conf, 'purge', '-e', '--dry-run', '--json']);
        expect(r.status, r.stderr).to.equal(0);
        const data = JSON.parse(r.stdout);
        expect(data.kept.total).to.be.greaterThan(0);
        const text = runCli(['--config-file', conf, 'purge', '-e', '--dry-run']);
        expect(text.stdout).to.match(new RegExp(`Kept ${data.kept.total} object\\(s\\) .*--exclude-orphans`));
        void db;
      });

      it('bad input: one line, non-zero exit, no change', async function () {
        const { db, conf } = await fresh(plain);
        const before = snapshotRows(db.url);
        const live = plain.rows.goals.find((g) => g.state === 'live')!;
        for (const [args, message] of [
          [['-n', '-1'], 'Limit should be positive'],
          [['--max-number=-5'], 'Limit should be positive'],
          [['-t', 'no-such-goal'], 'Goal no-such-goal could not be found'],
          [['-t', '99999999-0000-4000-8000-000000000000'], 'could not be found'],
          [['-t', live.name], `The Goal resource ${live.name} is not soft deleted`],
          [['-t', live.uuid], 'is not soft deleted'],
          [['-d', 'abc'], 'age-in-days'],
          [['--lock-timeout', '0'], '--lock-timeout must be a number of seconds above 0'],
          [['--lock-timeout', 'soon'], '--lock-timeout must be a number of seconds above 0'],
          [['--lock-retries', '-1'], 'lock-retries'],
        ] as [string[], string][]) {
          const r = runCli(['--config-file', conf, 'purge', '-y', ...args]);
          expect(r.status, args.join(' ')).to.not.equal(0);
          expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
          expect(r.stderr).to.contain(message);
        }
        expect(snapshotRows(db.url)).to.deep.equal(before);
      });

      for (const [name, o] of [
        ['no option', {}],
        ['-d 10 -e', { aged: true, excludeOrphans: true }],
      ] as [string, OracleOptions][]) {
        it(`--batch-size, ${name}: the oracle's rows are left, in several transactions, and no index of ours`, async function () {
          const { db, conf } = await fresh(tangled);
          const r = runCli(['--config-file', conf, 'purge', '-y', '--json', '--batch-size', '7', ...purgeCliArgs(o, tangled)]);
          expect(r.status, r.stderr).to.equal(0);
          const out = JSON.parse(r.stdout);
          expect(out.outcome).to.equal('purged');
          // Whole subtrees of about 7 rows: at least total/7 audit-sized batches, fewer than one per row.
          expect(out.transactions).to.be.greaterThan(Math.floor(out.counts.total / 14));
          expect(out.transactions).to.be.lessThan(out.counts.total + 1);
          expect(survivors(db.url)).to.deep.equal(expectedSurvivors(tangled, o));
          expect(purgeIndexes(db.url)).to.deep.equal([]);
        });
      }

      it('--batch-size: a failing batch rolls back alone; what the batches before it left is a state the rules allow', async function () {
        const { db, conf } = await fresh(plain);
        const before = survivors(db.url);
        const expected = expectedSurvivors(plain, {});
        // Refuse the delete of a purged audit in the middle: the batches before it commit.
        const purgedAudits = before.audits.filter((id) => !expected.audits.includes(id));
        const refused = purgedAudits[Math.floor(purgedAudits.length / 2)];
        const trigger: Record<Backend, string> = {
          postgresql:
            `CREATE FUNCTION wdm_no_delete() RETURNS trigger AS $$ BEGIN IF OLD.id = ${refused} THEN RAISE EXCEPTION 'audit delete refused'; END IF; RETURN OLD; END $$ LANGUAGE plpgsql;\n` +
            'CREATE TRIGGER wdm_no_delete BEFORE DELETE ON audits FOR EACH ROW EXECUTE FUNCTION wdm_no_delete();',
          mysql:
            'DELIMITER //\n' +
            `CREATE TRIGGER wdm_no_delete BEFORE DELETE ON audits FOR EACH ROW BEGIN IF OLD.id = ${refused} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit delete refused'; END IF; END//\n` +
            'DELIMITER ;',
          sqlite: `CREATE TRIGGER wdm_no_delete BEFORE DELETE ON audits WHEN OLD.id = ${refused} BEGIN SELECT RAISE(ABORT, 'audit delete refused'); END;`,
        };
        sqlQuery(db.url, trigger[backend]);
        const r = runCli(['--config-file', conf, 'purge', '-y', '--batch-size', '5']);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain('audit delete refused');
        expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(2); // the error and the --debug hint
        const after = survivors(db.url);
        // Earlier batches are gone, the refused audit's batch is not.
        expect(after.audits.length).to.be.lessThan(before.audits.length);
        expect(after.audits).to.include(refused);
        // What is left is a state the rules allow: they select exactly the rows still to purge.
        const left = (rows: Record<string, number[]>) => KINDS.reduce((n, k) => n + rows[k].length, 0);
        const stillToPurge = left(after) - left(expected);
        const dry = runCli(['--config-file', conf, 'purge', '--dry-run', '--json']);
        expect(dry.status, dry.stderr).to.equal(0);
        expect(JSON.parse(dry.stdout).counts.total).to.equal(stillToPurge);
        expect(purgeIndexes(db.url)).to.deep.equal([]);
        // Once the obstacle is gone, a rerun finishes the job.
        sqlQuery(db.url, backend === 'postgresql' ? 'DROP TRIGGER wdm_no_delete ON audits;' : 'DROP TRIGGER wdm_no_delete;');
        // A batched purge killed between batches leaves its (committed) indexes: the next one drops them.
        if (backend !== 'mysql') sqlQuery(db.url, 'CREATE INDEX wdm_purge_ix_actions_action_plan_id ON actions (action_plan_id);');
        const rerun = runCli(['--config-file', conf, 'purge', '-y', '--batch-size', '5']);
        expect(rerun.status, rerun.stderr).to.equal(0);
        expect(survivors(db.url)).to.deep.equal(expected);
        expect(purgeIndexes(db.url)).to.deep.equal([]);
      });

      it('shows progress on a terminal, and none without one', async function () {
        const { db, conf } = await fresh(plain);
        void db;
        // script(1) gives the CLI a pseudo-terminal, as an operator's shell would.
        const command = `${process.execPath} ${REPO_ROOT}/bin/run.js --config-file ${conf} purge -y --batch-size 5`;
        const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
        expect(tty.status, tty.stdout).to.equal(0);
        // A spinner redraws on a timer, so a quick purge shows only some steps: the first of each stage.
        expect(tty.stdout).to.contain('Selecting... expired objects');
        expect(tty.stdout).to.match(/Deleting\.\.\. batch 1 of \d+ committed, \d+ of \d+ objects and \d+ of \d+ efficacy indicators deleted/);
        expect(tty.stdout).to.contain('Deleting... done');
        expect(tty.stdout).to.contain('Purge results summary');
        const again = await fresh(plain);
        const piped = runCli(['--config-file', again.conf, 'purge', '-y', '--batch-size', '5']);
        expect(piped.status, piped.stderr).to.equal(0);
        expect(piped.stderr).to.equal('');
      });

      it('a delete failing mid-way leaves the database as it was', async function () {
        const { db, conf } = await fresh(plain);
        // Goals are deleted last, after every child table: make that delete fail.
        const trigger: Record<Backend, string> = {
          postgresql:
            "CREATE FUNCTION wdm_no_delete() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'goal delete refused'; END $$ LANGUAGE plpgsql;\n" +
            'CREATE TRIGGER wdm_no_delete BEFORE DELETE ON goals FOR EACH ROW EXECUTE FUNCTION wdm_no_delete();',
          mysql: "CREATE TRIGGER wdm_no_delete BEFORE DELETE ON goals FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'goal delete refused';",
          sqlite: "CREATE TRIGGER wdm_no_delete BEFORE DELETE ON goals BEGIN SELECT RAISE(ABORT, 'goal delete refused'); END;",
        };
        sqlQuery(db.url, trigger[backend]);
        const before = snapshotRows(db.url);
        const r = runCli(['--config-file', conf, 'purge', '-y']);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain('goal delete refused');
        expect(snapshotRows(db.url)).to.deep.equal(before);
        // No index of ours is left behind either.
        expect(purgeIndexes(db.url)).to.deep.equal([]);
      });
    });
  }
});
