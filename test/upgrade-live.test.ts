// upgrade on a live database: while Watcher's services write (bench/live-traffic.ts) and a slow
// request keeps a read transaction open on `audits` for 20 s, `upgrade` with the default lock policy
// waits for that reader in short bounded attempts instead of queueing every service statement behind
// its DDL. No service statement waits 3 s or fails, each lost attempt is one warning naming the table
// (and, where the server tells, the reader), and the run reaches head soon after the reader ends.
// Then, on every backend: past --lock-retries, one error line, exit 1, the database at a revision
// of the chain with that revision's changes rolled back (PostgreSQL, SQLite) or resumable (MySQL).
import { expect } from 'chai';
import { BACKENDS, Backend, TempDatabase, createTempDatabase, sqlQuery } from './support/backends';
import { runCli, startCli, writeConfig } from './support/cli';
import { holdLock } from './support/lock-holder';
import { Shape, datasetSql, makeDataset } from './support/purge-dataset';
import { LiveTraffic, TrafficReport, formatReport } from '../bench/live-traffic';

const FROM = '609bec748f2a';
const HEAD = 'f56ba02662b4';
const READER_SECONDS = 20;
const WORST_WAIT_MS = 3000;
const SHAPE: Shape = { goals: 10, strategiesPerGoal: 2, templatesPerGoal: 2, auditsPerGoal: 100, plansPerAudit: 1, actionsPerPlan: 3, tangle: 0, old: 0.2, young: 0.05, cascade: true };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function databaseAt(backend: Backend, revision: string): Promise<{ db: TempDatabase; conf: string }> {
  const db = await createTempDatabase(backend);
  const conf = writeConfig(db.url);
  const up = runCli(['--config-file', conf, 'upgrade', revision]);
  if (up.status !== 0) throw new Error(`upgrade failed: ${up.stderr}`);
  sqlQuery(db.url, datasetSql(backend, makeDataset(5, SHAPE)));
  return { db, conf };
}

function versionOf(conf: string): string {
  const r = runCli(['--config-file', conf, 'version']);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const READ_AUDITS = 'SELECT id FROM audits ORDER BY id LIMIT 1;';

describe('upgrade on a live database', function () {
  this.timeout(300_000);
  const dbs: TempDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });

  for (const backend of ['postgresql', 'mysql'] as Backend[]) {
    it(`${backend}: a ${READER_SECONDS} s reader and live traffic; no service statement waits ${WORST_WAIT_MS} ms or fails, head is reached`, async function () {
      const { db, conf } = await databaseAt(backend, FROM);
      dbs.push(db);
      const traffic = await LiveTraffic.start(db.url);
      let report: TrafficReport | undefined;
      let result;
      let releasedAt = 0;
      let finishedAt = 0;
      try {
        await sleep(500);
        const reader = await holdLock(db.url, READ_AUDITS, { reader: true });
        const heldAt = Date.now();
        const run = startCli(['--config-file', conf, 'upgrade']);
        void run.done.then(() => (finishedAt = Date.now()));
        await sleep(READER_SECONDS * 1000 - (Date.now() - heldAt));
        await reader.release();
        releasedAt = Date.now();
        result = await run.done;
        await sleep(300);
      } finally {
        report = await traffic.stop();
        await traffic.cleanup().catch(() => undefined);
      }
      const summary = `${result?.stderr}\n${formatReport(report)}`;
      expect(result.status, summary).to.equal(0);
      expect(versionOf(conf)).to.equal(HEAD);
      for (const [name, op] of Object.entries(report.operations)) {
        expect(op.count, `${name}\n${summary}`).to.be.greaterThan(0);
        expect(op.errors, `${name}: ${op.errorMessages.join('; ')}\n${summary}`).to.equal(0);
        expect(op.max, `${name}\n${summary}`).to.be.below(WORST_WAIT_MS);
      }
      // It waited for the reader, in attempts each said in one line that names the table.
      const warnings = result.stderr.split('\n').filter((l) => /WARNING/.test(l));
      expect(warnings.length, summary).to.be.greaterThan(1);
      for (const line of warnings) expect(line, summary).to.match(/: lock timeout on \w+/);
      const onAudits = warnings.filter((l) => /lock timeout on audits\b/.test(l));
      expect(onAudits, summary).to.not.be.empty;
      if (backend === 'postgresql') expect(onAudits[0], summary).to.match(/held by pid \d+ [A-Za-z ]*\(user \w+, idle in transaction, for \d+ s\)/);
      else expect(onAudits[0], summary).to.match(/held by (the oldest open transaction, )?thread \d+/);
      // Soon after the reader ended: the longest pause between attempts is 8 s (jittered to 10).
      expect(finishedAt - releasedAt, summary).to.be.below(12_000);
    });
  }

  for (const backend of BACKENDS) {
    it(`${backend}: past --lock-retries, one error line, exit 1, and the database at a known revision`, async function () {
      const { db, conf } = await databaseAt(backend, FROM);
      dbs.push(db);
      // SQLite has one lock for the whole file: a writer holds it. Elsewhere a reader of audits.
      const holder =
        backend === 'sqlite'
          ? await holdLock(db.url, "UPDATE goals SET name = name WHERE id = 1;")
          : await holdLock(db.url, READ_AUDITS, { reader: true });
      let r;
      try {
        r = await startCli(['--config-file', conf, 'upgrade', '--lock-timeout', '0.5', '--lock-retries', '2']).done;
      } finally {
        await holder.release();
      }
      expect(r.status, r.stderr).to.equal(1);
      const lines = r.stderr.trim().split('\n');
      const errors = lines.filter((l) => l.includes('error:'));
      expect(errors, r.stderr).to.have.length(1);
      expect(errors[0]).to.match(/failed 3 time\(s\) on lock conflicts/);
      expect(lines.filter((l) => /WARNING/.test(l)), r.stderr).to.have.length(2);
      expect(r.stderr).to.not.match(/\n\s+at /); // no stack trace
      const version = versionOf(conf);
      if (backend === 'sqlite') {
        // Nothing could start: the version and the schema are as before.
        expect(version).to.equal(FROM);
        expect(sqlQuery(db.url, "SELECT count(*) FROM pragma_table_info('efficacy_indicators') WHERE name = 'data';").trim()).to.equal('0');
      } else {
        // The revision before the one on audits is done; the one that lost kept nothing on PostgreSQL.
        expect(version).to.equal('15f7375ca737');
        if (backend === 'postgresql') {
          const added = sqlQuery(db.url, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'status_message';").trim();
          expect(added).to.equal('0');
        }
      }
      // A rerun without the holder continues to head.
      const again = runCli(['--config-file', conf, 'upgrade']);
      expect(again.status, again.stderr).to.equal(0);
      expect(versionOf(conf)).to.equal(HEAD);
    });
  }
});
