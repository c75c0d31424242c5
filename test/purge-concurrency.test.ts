// purge while others write: the counts are the rows really deleted, a lock held by a service is
// waited for within --lock-timeout and the transaction retried, a batch never exceeds --batch-size
// and leaves a state the rules allow, and an index a killed purge left is dropped by the next one.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { BACKENDS, Backend, TempDatabase, sqlQuery } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { coreApi, REPO_ROOT, runCli, startCli } from './support/cli';
import { holdLock } from './support/lock-holder';
import { Dataset, KINDS, Shape, expectedSurvivors, makeDataset, purgeIndexes, seededDatabase, survivors } from './support/purge-dataset';
import { snapshotRows } from './support/watcher-rows';

const SMALL: Shape = { goals: 6, strategiesPerGoal: 2, templatesPerGoal: 2, auditsPerGoal: 3, plansPerAudit: 2, actionsPerPlan: 3, tangle: 0, old: 0.3, young: 0.2 };
/** Every audit's subtree (1 audit, 2 plans, 8 actions, 2 indicators) is larger than a batch of 5. */
const DEEP: Shape = { goals: 3, strategiesPerGoal: 1, templatesPerGoal: 1, auditsPerGoal: 2, plansPerAudit: 2, actionsPerPlan: 4, tangle: 0, old: 0.6, young: 0, cascade: true };

/** The row a service holds while the purge runs: a selected action, or on SQLite the write lock itself. */
function lockOnAction(backend: Backend, id: number): string {
  return backend === 'sqlite' ? `UPDATE actions SET state = state WHERE id = ${id};` : `SELECT id FROM actions WHERE id = ${id} FOR UPDATE;`;
}

function rowTotal(rows: Record<string, number[]>): number {
  return KINDS.reduce((n, k) => n + rows[k].length, 0);
}

describe('purge while others write', function () {
  for (const backend of BACKENDS) {
    describe(backend, function () {
      const dbs = tempDatabases('all');
      async function fresh(data: Dataset): Promise<{ db: TempDatabase; conf: string }> {
        const seeded = dbs.keep(await seededDatabase(backend, data));
        return seeded;
      }
      const plain = makeDataset(3, SMALL);
      const expected = expectedSurvivors(plain, {});
      const purgedIds = (kind: (typeof KINDS)[number]) => plain.rows[kind].map((r) => r.id).filter((id) => !expected[kind].includes(id));

      it('reports the rows it really deleted, and what changed since the selection', async function () {
        const { db, conf } = await fresh(plain);
        const cli = startCli(['--config-file', conf, 'purge', '--json'], { stdin: true });
        await cli.stderrMatch(/Continue\? \[y\/N\]/);
        // Between the selection and the answer: a service deletes one selected action, and adds a
        // live action under a selected action plan.
        const [goneAction] = purgedIds('actions');
        const [plan] = purgedIds('action_plans');
        sqlQuery(db.url, `DELETE FROM actions WHERE id = ${goneAction};`);
        sqlQuery(
          db.url,
          `INSERT INTO actions (created_at, deleted, id, uuid, action_plan_id, action_type, state) ` +
            `VALUES ('2026-01-01 00:00:00', 0, 900001, 'aaaaaaaa-0000-4000-8000-000000900001', ${plan}, 'nop', 'PENDING');`,
        );
        const before = rowTotal(survivors(db.url));
        cli.write('y\n');
        const r = await cli.done;
        expect(r.status, r.stderr).to.equal(0);
        const out = JSON.parse(r.stdout);
        const after = survivors(db.url);
        // The counts are what the statements deleted, not what was selected.
        expect(out.counts.total).to.equal(before - rowTotal(after));
        expect(out.not_deleted.already_gone.actions).to.equal(1);
        expect(out.not_deleted.still_referenced.action_plans).to.equal(1);
        expect(out.planned.total - out.counts.total).to.equal(out.not_deleted.already_gone.total + out.not_deleted.still_referenced.total);
        expect(r.stderr).to.match(/WARNING \d+ of the \d+ objects set for deletion were not deleted: 1 were already gone .*, \d+ are referenced by rows added since the selection/);
        // The plan stays with its new child (and so do its selected ancestors); the rest is purged.
        expect(after.action_plans).to.include(plan);
        expect(after.actions).to.include(900001);
        // The next purge takes the plan, and the new action as its orphan.
        const rerun = runCli(['--config-file', conf, 'purge', '--yes', '--json']);
        expect(rerun.status, rerun.stderr).to.equal(0);
        expect(JSON.parse(rerun.stdout).counts).to.include({ action_plans: 1, actions: 1 });
        expect(survivors(db.url).actions).to.not.include(900001);
      });

      it('waits for a service holding a lock, within --lock-timeout, and retries the transaction', async function () {
        const { db, conf } = await fresh(plain);
        const holder = await holdLock(db.url, lockOnAction(backend, purgedIds('actions')[0]));
        const cli = startCli(['--config-file', conf, 'purge', '--yes', '--json', '--lock-timeout', '1']);
        const warned = await cli.stderrMatch(/WARNING .*retrying in/);
        await holder.release();
        const r = await cli.done;
        expect(r.status, r.stderr).to.equal(0);
        expect(warned).to.match(backend === 'sqlite' ? /database is locked/ : /lock timeout/);
        // Each retry is one warning line and nothing else reaches stderr.
        for (const line of r.stderr.trim().split('\n')) expect(line).to.match(/^WARNING .*; retrying in \d+\.\d s \(attempt \d+ of 31\)$/);
        expect(survivors(db.url)).to.deep.equal(expected);
        expect(purgeIndexes(db.url)).to.deep.equal([]);
      });

      it('fails in one line, having deleted nothing, when the lock retries run out', async function () {
        const { db, conf } = await fresh(plain);
        const before = snapshotRows(db.url);
        const holder = await holdLock(db.url, lockOnAction(backend, purgedIds('actions')[0]));
        let r;
        try {
          r = await startCli(['--config-file', conf, 'purge', '--yes', '--lock-timeout', '1', '--lock-retries', '1']).done;
        } finally {
          await holder.release();
        }
        expect(r.status).to.equal(1);
        const lines = r.stderr.trim().split('\n');
        const errors = lines.filter((l) => !l.startsWith('WARNING'));
        expect(errors, r.stderr).to.have.length(1);
        expect(errors[0]).to.match(/^watcher-db-manage: error: .* failed 2 time\(s\) on lock conflicts, last: .*(nothing of it was deleted|no row was deleted)$/);
        expect(snapshotRows(db.url)).to.deep.equal(before);
        // An index that could not be dropped while the lock was held goes with the next purge.
        const next = runCli(['--config-file', conf, 'purge', '--yes']);
        expect(next.status, next.stderr).to.equal(0);
        expect(survivors(db.url)).to.deep.equal(expected);
        expect(purgeIndexes(db.url)).to.deep.equal([]);
      });

      it('in batches, a row added under a selected action plan keeps the plan and its audit, and nothing is left without its parent', async function () {
        const deep = makeDataset(9, DEEP);
        const { db } = await fresh(deep);
        const deepExpected = expectedSurvivors(deep, {});
        // A purged action plan of a purged audit.
        const { id: plan, audit_id: audit } = deep.rows.action_plans.find(
          (p) => !deepExpected.action_plans.includes(p.id) && !deepExpected.audits.includes(p.audit_id!),
        )!;
        const { withDriverSession, purge } = coreApi();
        const result = await withDriverSession(db.url, {}, (session) =>
          purge(session, { batchSize: 5 }, {
            confirm: async () => {
              // After the selection and the batch plan, before the first batch: a service adds an action.
              sqlQuery(
                db.url,
                `INSERT INTO actions (created_at, deleted, id, uuid, action_plan_id, action_type, state) ` +
                  `VALUES ('2026-01-01 00:00:00', 0, 900001, 'aaaaaaaa-0000-4000-8000-000000900001', ${plan}, 'nop', 'PENDING');`,
              );
              return true;
            },
          }),
        );
        expect(result.outcome).to.equal('purged');
        expect(result.notDeleted.stillReferenced).to.include({ action_plans: 1, audits: 1 });
        const after = survivors(db.url);
        expect(after.action_plans).to.include(plan);
        expect(after.audits).to.include(audit);
        expect(after.actions).to.include(900001);
        const orphans = sqlQuery(
          db.url,
          'SELECT (SELECT COUNT(*) FROM actions x WHERE NOT EXISTS (SELECT 1 FROM action_plans p WHERE p.id = x.action_plan_id)) + ' +
            '(SELECT COUNT(*) FROM action_plans p WHERE NOT EXISTS (SELECT 1 FROM audits a WHERE a.id = p.audit_id));',
        );
        expect(Number(orphans.trim())).to.equal(0);
      });

      it('--batch-size is a bound: no transaction deletes more, and each leaves a state the rules allow', async function () {
        const deep = makeDataset(9, DEEP);
        const { db, conf } = await fresh(deep);
        const deepExpected = expectedSurvivors(deep, {});
        const toPurge = rowTotal(survivors(db.url)) - rowTotal(deepExpected);
        const indicators = deep.indicators.length - deepExpected.efficacy_indicators.length;
        const batches: number[] = [];
        let rowsNow = 0;
        const stillSelected: number[] = [];
        const { withDriverSession, purge } = coreApi();
        const result = await withDriverSession(db.url, {}, (session) =>
          purge(session, { batchSize: 5 }, {
            confirm: async () => true,
            progress: (event) => {
              if (event.stage !== 'deleting' || !('batch' in event)) return;
              batches.push(event.rows);
              rowsNow = rowTotal(survivors(db.url));
              // Between two batches the rules select exactly what is still to purge.
              const dry = spawnSync(process.execPath, [`${REPO_ROOT}/bin/run.js`, '--config-file', conf, 'purge', '--dry-run', '--json'], { encoding: 'utf8' });
              expect(dry.status, dry.stderr).to.equal(0);
              stillSelected.push(JSON.parse(dry.stdout).counts.total - (rowsNow - rowTotal(deepExpected)));
            },
          }),
        );
        expect(result.outcome).to.equal('purged');
        expect(result.counts.total).to.equal(toPurge);
        expect(result.efficacyIndicators).to.equal(indicators);
        expect(Math.max(...batches)).to.be.at.most(5);
        expect(batches.reduce((a, b) => a + b, 0)).to.equal(toPurge + indicators);
        expect(result.transactions).to.equal(Math.ceil((toPurge + indicators) / 5));
        expect(stillSelected.every((n) => n === 0), stillSelected.join(',')).to.equal(true);
        expect(survivors(db.url)).to.deep.equal(deepExpected);
      });

      if (backend === 'postgresql') {
        it('drops an INVALID index a killed concurrent build left, and leaves the reference schema', async function () {
          const { db, conf } = await fresh(plain);
          // A failed CREATE INDEX CONCURRENTLY leaves its index behind, marked invalid, as a killed one does.
          expect(() => sqlQuery(db.url, 'CREATE UNIQUE INDEX CONCURRENTLY wdm_purge_ix_actions_action_plan_id ON actions (action_plan_id);')).to.throw();
          const invalid = "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid;";
          expect(sqlQuery(db.url, invalid).trim()).to.equal('wdm_purge_ix_actions_action_plan_id');
          const r = runCli(['--config-file', conf, '-v', 'purge', '--yes']);
          expect(r.status, r.stderr).to.equal(0);
          expect(r.stderr).to.contain('Dropping index wdm_purge_ix_actions_action_plan_id: an interrupted build left it invalid');
          expect(sqlQuery(db.url, invalid).trim()).to.equal('');
          expect(purgeIndexes(db.url)).to.deep.equal([]);
          expect(survivors(db.url)).to.deep.equal(expected);
        });
      }
    });
  }
});
