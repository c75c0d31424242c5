// purge --dry-run: it never asks, -n included and with no terminal, and what it counts (text and
// --json, efficacy indicators included) is what the purge run next deletes; the progress ends at the
// summary's numbers. On every backend, against the independent oracle of support/purge-dataset.ts and,
// for -n, the reference.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { BACKENDS, sqlQuery } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { coreApi, REPO_ROOT, runCli } from './support/cli';
import { runReference } from './support/reference';
import { Dataset, OracleOptions, Shape, expectedDeleted, expectedSurvivors, makeDataset, purgeCliArgs, seededDatabase, survivors } from './support/purge-dataset';
import { snapshotRows } from './support/watcher-rows';

type PurgeProgress = import('../src/index').PurgeProgress;

/** Links that cross goals, so the safety rule keeps some objects under -e, -d and -n. */
const TANGLED: Shape = { goals: 8, strategiesPerGoal: 2, templatesPerGoal: 2, auditsPerGoal: 3, plansPerAudit: 2, actionsPerPlan: 3, tangle: 0.2, old: 0.3, young: 0.2 };
/** Soft deletion cascading as Watcher does it: the reference completes on it with any option. */
const CASCADED: Shape = { ...TANGLED, tangle: 0, cascade: true };

/** The dataset with a second efficacy indicator on every third action plan. */
function withMoreIndicators(data: Dataset): Dataset {
  const indicators = [...data.indicators];
  for (const plan of data.rows.action_plans.filter((p) => p.id % 3 === 0)) indicators.push({ id: indicators.length + 1, action_plan_id: plan.id });
  return { ...data, indicators };
}

/** Efficacy indicators the oracle's purge deletes: those of the action plans it deletes. */
function expectedIndicators(data: Dataset, o: OracleOptions): number {
  return data.indicators.length - expectedSurvivors(data, o).efficacy_indicators.length;
}

/** The last count table printed, as its five lines. */
function lastTable(stdout: string): string {
  return stdout.split('\n').filter((l) => /^[+|]/.test(l)).slice(-5).join('\n');
}

/** The last count table's values row, by column title. */
function tableCounts(stdout: string): Record<string, number> {
  const [, header, , values] = lastTable(stdout).split('\n');
  const cells = (row: string) => row.split('|').slice(1, -1).map((c) => c.trim());
  const titles = cells(header);
  return Object.fromEntries(cells(values).map((v, i) => [titles[i], Number(v)]));
}

/** The "With their action plans, N efficacy indicators ..." line's N (0 when it is not printed). */
function indicatorLine(stdout: string, verb: string): number {
  const m = stdout.match(new RegExp(`^With their action plans, (\\d+) efficacy indicators ${verb}\\.$`, 'm'));
  return m ? Number(m[1]) : 0;
}

/** A question the CLI asked: the line ends with it (the dry run only quotes them). */
const ASKED = /\[y\/N\]\s*$/m;

describe('purge --dry-run', function () {
  for (const backend of BACKENDS) {
    describe(backend, function () {
      const dbs = tempDatabases('all');
      /** A new database with `data`, a quarter of its efficacy indicators soft deleted (they go with their plans all the same). */
      async function fresh(data: Dataset) {
        const s = dbs.keep(await seededDatabase(backend, data));
        sqlQuery(s.db.url, 'UPDATE efficacy_indicators SET deleted = id, deleted_at = created_at WHERE id % 4 = 0;');
        return s;
      }

      const tangled = withMoreIndicators(makeDataset(7, TANGLED));
      const deletedGoal = tangled.rows.goals.find((g) => g.state !== 'live')!.uuid;
      const cases: [string, OracleOptions][] = [
        ['no option', {}],
        ['-d 10 -e', { aged: true, excludeOrphans: true }],
        ['-t GOAL', { goalUuid: deletedGoal }],
        ['-n 40', { max: 40 }],
      ];
      for (const [name, o] of cases) {
        for (const [mode, extra] of [
          ['one transaction', []],
          ['--batch-size 7', ['--batch-size', '7']],
        ] as [string, string[]][]) {
          it(`${name}, ${mode}: the dry run's counts, text and --json, efficacy indicators included, are what the purge then deletes`, async function () {
            const { db, conf } = await fresh(tangled);
            const before = snapshotRows(db.url);
            const cli = (...more: string[]) => runCli(['--config-file', conf, 'purge', ...purgeCliArgs(o, tangled), ...more]);
            const dryJson = cli('--dry-run', '--json');
            expect(dryJson.status, dryJson.stderr).to.equal(0);
            const dry = JSON.parse(dryJson.stdout);
            const dryText = cli('--dry-run');
            expect(dryText.status, dryText.stderr).to.equal(0);
            for (const r of [dryJson, dryText]) {
              expect(r.stdout + r.stderr).to.not.match(ASKED);
              expect(r.stderr).to.equal('');
            }
            expect(snapshotRows(db.url)).to.deep.equal(before);
            expect(dry.outcome).to.equal('dry-run');
            expect(dry.exceeds_max_number).to.equal(o.max !== undefined);
            expect(dry.counts.total).to.equal(expectedDeleted(tangled, o));
            expect(dry.efficacy_indicators).to.equal(expectedIndicators(tangled, o)).and.to.be.greaterThan(0);
            expect(tableCounts(dryText.stdout).Total).to.equal(dry.counts.total);
            expect(indicatorLine(dryText.stdout, 'can be purged')).to.equal(dry.efficacy_indicators);

            // The purge, as a script runs it (--json), and as an operator reads it (text, -v).
            const json = cli('--yes', '--json', ...extra);
            expect(json.status, json.stderr).to.equal(0);
            const purged = JSON.parse(json.stdout);
            expect(purged.outcome).to.equal('purged');
            expect(purged.counts).to.deep.equal(dry.counts);
            expect(purged.efficacy_indicators).to.equal(dry.efficacy_indicators);
            expect(survivors(db.url)).to.deep.equal(expectedSurvivors(tangled, o));

            const again = await fresh(tangled);
            const text = runCli(['--config-file', again.conf, '-v', 'purge', ...purgeCliArgs(o, tangled), '--yes', ...extra]);
            expect(text.status, text.stderr).to.equal(0);
            expect(lastTable(text.stdout)).to.equal(lastTable(dryText.stdout));
            expect(indicatorLine(text.stdout, 'were deleted')).to.equal(dry.efficacy_indicators);
            // -v says the same numbers before deleting and, in batches, after the last one.
            const both = `${dry.counts.total} objects and ${dry.efficacy_indicators} efficacy indicators`;
            expect(text.stderr).to.match(new RegExp(`^Deleting ${both} (in one transaction|\\(\\d+ rows\\) in \\d+ transactions)`, 'm'));
            if (extra.length > 0) {
              const committed = text.stderr.split('\n').filter((l) => l.startsWith('Committed purge batch')).pop();
              expect(committed).to.match(new RegExp(`; ${dry.counts.total} of ${dry.counts.total} objects and ${dry.efficacy_indicators} of ${dry.efficacy_indicators} efficacy indicators deleted$`));
            }
          });
        }
      }

      it('-n below the selection, no terminal: asks nothing, exits 0, shows the goal groups within -n and what a purge would ask; the purge then deletes them', async function () {
        const o: OracleOptions = { max: 40 };
        const { db, conf } = await fresh(tangled);
        const before = snapshotRows(db.url);
        // Standard input is an empty pipe: a question would find no answer and fail (exit 1).
        const dryText = runCli(['--config-file', conf, 'purge', '-n', '40', '--dry-run'], { input: '' });
        expect(dryText.status, dryText.stderr).to.equal(0);
        expect(dryText.stderr).to.equal('');
        expect(dryText.stdout).to.not.match(ASKED);
        const dryJson = runCli(['--config-file', conf, 'purge', '-n', '40', '--dry-run', '--json'], { input: '' });
        expect(dryJson.status, dryJson.stderr).to.equal(0);
        expect(dryJson.stderr).to.equal('');
        const dry = JSON.parse(dryJson.stdout);
        expect(snapshotRows(db.url)).to.deep.equal(before);

        expect(dry.outcome).to.equal('dry-run');
        expect(dry.exceeds_max_number).to.equal(true);
        expect(dry.selected.total).to.be.greaterThan(40);
        expect(dry.counts.total).to.equal(expectedDeleted(tangled, o)).and.to.be.within(1, 40);
        expect(dry.efficacy_indicators).to.equal(expectedIndicators(tangled, o));
        // The text: everything selected, the reference's line about the maximum, what a purge asks,
        // then the groups within it.
        expect(dryText.stdout).to.contain(`The number of objects (${dry.selected.total}) to delete from the database exceeds the maximum number of objects (40) specified.`);
        const continueQuestion = `There are ${dry.counts.total} objects set for deletion. Continue? [y/N]`;
        expect(dryText.stdout).to.contain(
          `Dry run, nothing asked: a purge would ask "Do you want to delete objects up to the specified maximum number? [y/N]", then "${continueQuestion}".`,
        );
        expect(tableCounts(dryText.stdout).Total).to.equal(dry.counts.total);

        // The purge asks those two questions, and on yes deletes what the dry run showed.
        const real = runCli(['--config-file', conf, 'purge', '-n', '40'], { input: 'y\ny\n' });
        expect(real.status, real.stderr).to.equal(0);
        expect(real.stdout).to.contain('Do you want to delete objects up to the specified maximum number? [y/N]\n');
        expect(real.stdout).to.contain(`${continueQuestion}\n`);
        expect(lastTable(real.stdout)).to.equal(lastTable(dryText.stdout));
        expect(indicatorLine(real.stdout, 'were deleted')).to.equal(dry.efficacy_indicators);
        expect(survivors(db.url)).to.deep.equal(expectedSurvivors(tangled, o));
      });

      it('-n below the selection, on a terminal: asks nothing either', async function () {
        const { conf } = await fresh(tangled);
        const command = `${process.execPath} ${REPO_ROOT}/bin/run.js --config-file ${conf} purge -n 40 --dry-run`;
        // A question on a terminal would wait for an answer until the timeout.
        const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
        expect(tty.status, tty.stdout).to.equal(0);
        expect(tty.stdout).to.contain('Dry run, nothing asked');
        expect(tty.stdout).to.not.match(ASKED);
      });

      it('-n below the selection: the dry run shows the table the reference shows on yes', async function () {
        const cascaded = makeDataset(5, CASCADED);
        const ours = await fresh(cascaded);
        const theirs = await fresh(cascaded);
        const ref = runReference(theirs.db.url, ['purge', '-n', '40', '--dry-run'], { input: 'y\n' });
        expect(ref.status, ref.stdout + ref.stderr).to.equal(0);
        const dry = runCli(['--config-file', ours.conf, 'purge', '-n', '40', '--dry-run']);
        expect(dry.status, dry.stderr).to.equal(0);
        expect(tableCounts(dry.stdout).Total).to.be.within(1, 40);
        expect(lastTable(dry.stdout)).to.equal(lastTable(ref.stdout));
      });

      for (const [mode, extra] of [
        ['one transaction', []],
        ['--batch-size 5', ['--batch-size', '5']],
      ] as [string, string[]][]) {
        it(`${mode}: the progress on a terminal ends at the summary's numbers`, async function () {
          const { conf } = await fresh(tangled);
          const command = `${process.execPath} ${REPO_ROOT}/bin/run.js --config-file ${conf} purge -y ${extra.join(' ')}`;
          // An operator's terminal: oclif draws no spinner, only a line per status, when CI is set.
          const env = { ...process.env };
          delete env.CI;
          const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000, env });
          expect(tty.status, tty.stdout).to.equal(0);
          // script(1) gives one stream: the spinner's redraws (carriage returns, escapes) and the summary.
          const plain = tty.stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '\n');
          const total = tableCounts(plain).Total;
          const indicators = indicatorLine(plain, 'were deleted');
          expect(total).to.equal(expectedDeleted(tangled, {}));
          expect(indicators).to.equal(expectedIndicators(tangled, {}));
          const last = plain.split('\n').filter((l) => l.startsWith('Deleting...')).pop();
          expect(last).to.equal(`Deleting... done, ${total} of ${total} objects and ${indicators} of ${indicators} efficacy indicators deleted`);
          // Every status counts as the summary does: never above what it ends at.
          for (const m of plain.matchAll(/(\d+) of (\d+) objects and (\d+) of (\d+) efficacy indicators deleted/g)) {
            expect(Number(m[1])).to.be.at.most(total);
            expect(Number(m[2])).to.equal(total);
            expect(Number(m[3])).to.be.at.most(indicators);
            expect(Number(m[4])).to.equal(indicators);
          }
        });
      }

      it('in-process: the progress events count as the result, the last one is the result, and a dry run reports none', async function () {
        const { db } = await fresh(tangled);
        const { withDriverSession, purge } = coreApi();
        const dry = await withDriverSession(db.url, {}, (s) => purge(s, { dryRun: true, maxNumber: 40 }, { confirmUpToMax: async () => expect.fail('a dry run asked') }));
        expect(dry.outcome).to.equal('dry-run');
        const events: PurgeProgress[] = [];
        const result = await withDriverSession(db.url, {}, (s) =>
          purge(s, { batchSize: 6, maxNumber: 40 }, { confirmUpToMax: async () => true, confirm: async () => true, progress: (e) => events.push(e) }),
        );
        expect(result.counts).to.deep.equal(dry.counts);
        expect(result.efficacyIndicators).to.equal(dry.efficacyIndicators);
        const deleting = events.filter((e) => e.stage === 'deleting');
        expect(deleting.length).to.equal(result.transactions);
        const last = events[events.length - 1];
        const counted = { objects: result.counts.total, efficacyIndicators: result.efficacyIndicators };
        expect(last).to.deep.equal({ stage: 'deleted', deleted: counted, planned: counted });
        // Each batch's rows are the growth of the running totals.
        let previous = 0;
        for (const e of deleting) {
          if (e.stage !== 'deleting') continue;
          expect(e.deleted.objects + e.deleted.efficacyIndicators - previous).to.equal(e.rows);
          previous = e.deleted.objects + e.deleted.efficacyIndicators;
        }
      });
    });
  }
});
