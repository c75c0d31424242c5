// purge on a live database: with Watcher-shaped traffic going on (bench/live-traffic.ts) and rows
// updated just before (HOT updates on PostgreSQL), a purge keeps every service statement under 1 s,
// fails none of them, takes at most 3 times (or 5 s more than) its time on an idle copy of the same
// data, and leaves exactly the rows the idle purge leaves. At a size that fits CI; bench/purge-live.ts
// runs the same at a million rows.
import { expect } from 'chai';
import { BACKENDS, TempDatabase } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { CliResult, startCli } from './support/cli';
import { KINDS, Shape, datasetSql, makeDataset, purgeIndexes, seededDatabase, survivors } from './support/purge-dataset';
import { LiveTraffic, TrafficReport, formatReport, hotUpdates } from '../bench/live-traffic';

/** About 60,000 rows (10,000 audits, each with a plan, 3 actions and an indicator), half of them to purge. */
const SHAPE: Shape = { goals: 20, strategiesPerGoal: 2, templatesPerGoal: 3, auditsPerGoal: 500, plansPerAudit: 1, actionsPerPlan: 3, tangle: 0, old: 0.2, young: 0.05, cascade: true };
const WORST_WAIT_MS = 1000;


async function timedPurge(conf: string, extra: string[]): Promise<{ seconds: number; result: CliResult }> {
  const started = process.hrtime.bigint();
  // In the background: the traffic runs in this process and must not be blocked while purge runs.
  const result = await startCli(['--config-file', conf, 'purge', '--yes', '--json', ...extra]).done;
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

describe('purge on a live database', function () {
  this.timeout(600_000);
  const data = makeDataset(21, SHAPE);
  const seededMax = Object.fromEntries(KINDS.map((k) => [k, data.rows[k].length])) as Record<(typeof KINDS)[number], number>;
  /** The seeded rows a purge left: what the generators added is not compared. */
  const seededSurvivors = (url: string) => {
    const left = survivors(url);
    return Object.fromEntries(KINDS.map((k) => [k, left[k].filter((id) => id <= seededMax[k])]));
  };

  for (const backend of BACKENDS) {
    describe(backend, function () {
      const dbs = tempDatabases('all');
      const sql = datasetSql(backend, data);
      async function seeded(): Promise<{ db: TempDatabase; conf: string }> {
        const seeded = dbs.keep(await seededDatabase(backend, sql));
        // Rows updated just before the purge, as the applier leaves them all day.
        await hotUpdates(seeded.db.url, 60);
        return seeded;
      }

      for (const [mode, extra] of [
        ['one transaction', []],
        ['--batch-size 2000', ['--batch-size', '2000']],
      ] as [string, string[]][]) {
        it(`${mode}: no service statement waits ${WORST_WAIT_MS} ms or fails, at most 3x the idle time, the idle purge's survivors`, async function () {
          const idle = await seeded();
          const quiet = await timedPurge(idle.conf, extra);
          expect(quiet.result.status, quiet.result.stderr).to.equal(0);

          const live = await seeded();
          const traffic = await LiveTraffic.start(live.db.url);
          let report: TrafficReport;
          let busy: { seconds: number; result: CliResult };
          try {
            await new Promise((r) => setTimeout(r, 500));
            busy = await timedPurge(live.conf, extra);
            await new Promise((r) => setTimeout(r, 300));
          } finally {
            report = await traffic.stop();
          }
          const summary = `idle ${quiet.seconds.toFixed(2)} s, live ${busy.seconds.toFixed(2)} s\n${formatReport(report)}`;
          expect(busy.result.status, busy.result.stderr).to.equal(0);
          for (const [name, op] of Object.entries(report.operations)) {
            expect(op.count, `${name}\n${summary}`).to.be.greaterThan(0);
            expect(op.errors, `${name}: ${op.errorMessages.join('; ')}\n${summary}`).to.equal(0);
            expect(op.max, `${name}\n${summary}`).to.be.below(WORST_WAIT_MS);
          }
          expect(busy.seconds, summary).to.be.at.most(Math.max(3 * quiet.seconds, quiet.seconds + 5));

          // The same rows are gone, and every row the services wrote is still there.
          expect(seededSurvivors(live.db.url)).to.deep.equal(seededSurvivors(idle.db.url));
          const left = survivors(live.db.url);
          const created = traffic.createdIds();
          for (const kind of ['goals', 'strategies', 'audits', 'action_plans', 'actions'] as const) {
            for (const id of created[kind]) expect(left[kind], `${kind} ${id} of the services`).to.include(id);
          }
          // Both purges report what they really deleted: the same rows.
          expect(JSON.parse(busy.result.stdout).counts).to.deep.equal(JSON.parse(quiet.result.stdout).counts);
          expect(purgeIndexes(live.db.url)).to.deep.equal([]);
        });
      }
    });
  }
});
