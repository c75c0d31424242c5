// bench/live-traffic.ts, the load generator that plays Watcher's services while the tool runs: on every
// backend it keeps its rate without errors on live rows of its own (checked through the CLI clients,
// not its drivers), a lock held by another session delays only the streams that need it and shows in
// their latency, it cleans up after itself, its command line prints JSON and text reports, stops on
// SIGTERM and never prints a password; on PostgreSQL its hot updates are HOT.
import { expect } from 'chai';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BACKENDS, Backend, TempDatabase, createTempDatabase, libpqUrl, mysqlClientArgs, pgTool, sqlitePath, sqlQuery } from './support/backends';
import { REPO_ROOT, runCli, writeConfig } from './support/cli';
import { typecheck } from './support/typecheck';
import { CreatedIds, LiveTraffic, OPERATIONS, TrafficReport, hotUpdates, percentile } from '../bench/live-traffic';

const SCRIPT = path.join(REPO_ROOT, 'bench', 'live-traffic.ts');
const RATE = 50;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A database at head. SQLite's file is on a tmpfs where there is one: these tests measure the generator,
 * not the disk (on a busy disk one fsync of a commit can take 100 ms and more, and the rate is lost).
 */
async function headDatabase(backend: Backend): Promise<TempDatabase> {
  let db: TempDatabase;
  if (backend === 'sqlite' && fs.existsSync('/dev/shm')) {
    const dir = fs.mkdtempSync('/dev/shm/wdm-traffic-');
    const file = path.join(dir, 'watcher.sqlite');
    db = { url: `sqlite:///${file}`, name: file, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  } else {
    db = await createTempDatabase(backend);
  }
  const up = runCli(['--config-file', writeConfig(db.url), 'upgrade']);
  expect(up.status, up.stderr).to.equal(0);
  return db;
}

/** The generator as a command line program (through ts-node, as `npm run traffic` runs it). */
function traffic(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', SCRIPT, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function startTraffic(args: string[]): { child: ChildProcess; stderr: () => string; done: Promise<{ status: number | null; stdout: string }> } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', SCRIPT, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ status: number | null; stdout: string }>((resolve) => child.once('close', (status) => resolve({ status, stdout })));
  return { child, stderr: () => stderr, done };
}

/** `SELECT id, deleted FROM table WHERE id IN (...)` through the CLI client, as id -> deleted. */
function deletedFlags(url: string, table: string, ids: number[]): Map<number, string> {
  const out = sqlQuery(url, `SELECT id, deleted FROM ${table} WHERE id IN (${ids.join(', ')}) ORDER BY id;`);
  return new Map(out.split('\n').filter(Boolean).map((line) => {
    const [id, deleted] = line.split(/[|\t]/);
    return [Number(id), deleted];
  }));
}

/** Every row the generator reported is in the database, live. */
function expectLiveRows(url: string, ids: CreatedIds): void {
  for (const [table, list] of Object.entries(ids) as [string, number[]][]) {
    expect(list, table).to.not.be.empty;
    const found = deletedFlags(url, table, list);
    expect([...found.keys()], `${table} rows in the database`).to.deep.equal([...list].sort((a, b) => a - b));
    for (const [id, deleted] of found) expect(deleted, `${table} ${id} is live`).to.equal('0');
  }
}

function count(url: string, table: string): number {
  return Number(sqlQuery(url, `SELECT COUNT(*) FROM ${table};`).trim());
}

const TABLES = ['goals', 'strategies', 'audits', 'action_plans', 'actions'];

function expectSaneReport(r: TrafficReport, backend: Backend, seconds: number, rate: number): void {
  expect(r.backend).to.equal(backend);
  expect(r.rate).to.equal(rate);
  expect(r.durationMs).to.be.within(seconds * 1000 * 0.9, seconds * 1000 * 1.5);
  expect(r.rounds).to.be.within(Math.floor(rate * seconds * 0.9), Math.ceil(rate * seconds * 1.5));
  expect(Object.keys(r.operations)).to.deep.equal([...OPERATIONS]);
  for (const [name, s] of Object.entries(r.operations)) {
    expect(s.errors, `${name}: ${s.errorMessages.join('; ')}`).to.equal(0);
    expect(s.errorMessages, name).to.deep.equal([]);
    expect(s.count, `${name} ran about rate x seconds times`).to.be.at.least(Math.floor(rate * seconds * 0.6)).and.at.most(r.rounds + 1);
    expect(s.p50, name).to.be.greaterThan(0);
    expect(s.p50, name).to.be.at.most(s.p99);
    expect(s.p99, name).to.be.at.most(s.max);
  }
}

/**
 * Another session holds a lock that stops writes to `actions` but not reads, for `seconds`, through the
 * backend's CLI client; resolves when the client has released it and exited.
 */
function holdActionsWriteLock(url: string, backend: Backend, seconds: number): Promise<void> {
  let child: ChildProcess;
  switch (backend) {
    case 'postgresql':
      child = spawn(pgTool('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', libpqUrl(url), '-c', `BEGIN; LOCK TABLE actions IN EXCLUSIVE MODE; SELECT pg_sleep(${seconds}); COMMIT;`], { stdio: ['ignore', 'ignore', 'pipe'] });
      break;
    case 'mysql': {
      const { args, env, database } = mysqlClientArgs(url);
      child = spawn('mariadb', [...args, database, '-e', `LOCK TABLES actions READ; DO SLEEP(${seconds}); UNLOCK TABLES;`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      break;
    }
    case 'sqlite':
      // A RESERVED lock: writers wait in their busy handler, readers go on.
      child = spawn('sqlite3', ['-bail', sqlitePath(url)], { stdio: ['pipe', 'ignore', 'pipe'] });
      child.stdin!.end(`.timeout 5000\nBEGIN IMMEDIATE;\n.system sleep ${seconds}\nCOMMIT;\n`);
      break;
  }
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder failed (${code}): ${stderr}`))));
  });
}

describe('live traffic (bench/live-traffic.ts)', () => {
  it('percentile() is the nearest rank', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    const ten = hundred.slice(0, 10);
    expect(percentile([], 50)).to.equal(0);
    expect([percentile([7], 50), percentile([7], 99)]).to.deep.equal([7, 7]);
    expect([percentile([1, 2, 3], 50), percentile([1, 2], 50), percentile([1, 2], 51)]).to.deep.equal([2, 1, 2]);
    expect([percentile(ten, 50), percentile(ten, 90), percentile(ten, 91), percentile(ten, 99), percentile(ten, 100)]).to.deep.equal([5, 9, 10, 10, 10]);
    expect([percentile(hundred, 0), percentile(hundred, 1), percentile(hundred, 50), percentile(hundred, 99), percentile(hundred, 100)]).to.deep.equal([1, 1, 50, 99, 100]);
  });

  it('type-checks under the project\'s strict options', () => {
    const tsc = typecheck([SCRIPT, __filename, path.join(REPO_ROOT, 'node_modules', '@types', 'mocha', 'index.d.ts')]);
    expect(tsc.status, tsc.output).to.equal(0);
  });

  it('a bad --url or flag: one line on stderr, exit 2 (unusable) or 1 (unreachable), never the password', () => {
    const cases: Array<[string[], number]> = [
      [['--url', 'postgresql://watcher:s3cret-pw@127.0.0.1:1/watcher', '--duration', '1'], 1],
      [['--url', 'mysql+pymysql://watcher:s3cret-pw@127.0.0.1:1/watcher', '--duration', '1'], 1],
      [['--url', 'oracle://watcher:s3cret-pw@db/watcher'], 2],
      [['--url', 'postgresql://watcher:s3cret-pw@db:port/watcher'], 2],
      [['--url', 'mysql://watcher:s3cret-pw@db:3306'], 2],
      [['--url', 'sqlite://'], 2],
      [['--url', 'sqlite:////tmp', '--rate', 'fast'], 2],
      [['--duration', '1'], 2],
    ];
    for (const [args, status] of cases) {
      const r = traffic(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(status);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).to.have.lengthOf(1);
      expect(r.stderr).to.match(/^live-traffic: /);
      expect(r.stderr + r.stdout).to.not.include('s3cret-pw');
      expect(r.stdout).to.equal('');
    }
  });

  for (const backend of BACKENDS) {
    describe(backend, () => {
      let db: TempDatabase;
      before(async () => {
        db = await headDatabase(backend);
      });
      after(async () => {
        await db?.drop();
      });

      it(`runs at ${RATE} rounds/s for 2 s without errors, on live rows of its own that are really there`, async () => {
        const t = await LiveTraffic.start(db.url);
        await sleep(2000);
        const report = await t.stop();
        expectSaneReport(report, backend, 2, RATE);
        // Every round of every stream was either run or counted as skipped (a stream may start the round
        // that falls due in the very millisecond stop() reads the clock).
        for (const [name, s] of Object.entries(report.operations)) expect(s.count + s.skipped, name).to.be.within(report.rounds - 2, report.rounds + 1);
        const skips = Object.values(report.operations).map((s) => s.skipped);
        expect(report.skippedRounds).to.be.within(Math.max(...skips), skips.reduce((a, b) => a + b, 0));
        const ids = t.createdIds();
        expect(ids.actions.length).to.equal(report.operations.create_action.count + 1); // its first action comes with the plan
        expectLiveRows(db.url, ids);
        // It made only those actions, and the applier's updates left them in Watcher's states.
        expect(count(db.url, 'actions')).to.equal(ids.actions.length);
        const states = sqlQuery(db.url, `SELECT DISTINCT state FROM actions WHERE action_plan_id = ${ids.action_plans[0]} ORDER BY state;`).split('\n').filter(Boolean);
        expect(states).to.include.members(['ONGOING', 'SUCCEEDED']);
        expect(['ONGOING', 'PENDING', 'SUCCEEDED']).to.include.members(states);
        // stop() is idempotent.
        expect(await t.stop()).to.equal(report);
      });

      it('two generators at once stay apart, and cleanup() takes their rows away again', async () => {
        const before = TABLES.map((table) => count(db.url, table));
        const [a, b] = await Promise.all([LiveTraffic.start(db.url, { rate: 20 }), LiveTraffic.start(db.url, { rate: 20 })]);
        await sleep(1000);
        const [ra, rb] = await Promise.all([a.stop(), b.stop()]);
        for (const r of [ra, rb]) for (const [name, s] of Object.entries(r.operations)) expect(s.errors, `${name}: ${s.errorMessages.join('; ')}`).to.equal(0);
        const [ia, ib] = [a.createdIds(), b.createdIds()];
        for (const table of TABLES as (keyof CreatedIds)[]) expect(ia[table].filter((id) => ib[table].includes(id)), table).to.deep.equal([]);
        expectLiveRows(db.url, ia);
        expectLiveRows(db.url, ib);
        await Promise.all([a.cleanup(), b.cleanup()]);
        expect(TABLES.map((table) => count(db.url, table))).to.deep.equal(before);
      });

      it('a lock on actions delays only the writers, and their latency shows the wait', async () => {
        const t = await LiveTraffic.start(db.url);
        await sleep(300);
        await holdActionsWriteLock(db.url, backend, 1.5);
        await sleep(300);
        const r = await t.stop();
        await t.cleanup();
        const ops = r.operations;
        for (const [name, s] of Object.entries(ops)) expect(s.errors, `${name}: ${s.errorMessages.join('; ')}`).to.equal(0);
        for (const writer of [ops.create_action, ops.update_action_state]) {
          expect(writer.max, 'a writer waited for the lock').to.be.at.least(1000);
          expect(writer.skipped, 'rounds skipped while waiting, not made up for').to.be.at.least(40);
          expect(writer.count).to.be.at.most(r.rounds - 40);
        }
        // The readers, on connections of their own, went on at the rate.
        for (const reader of [ops.list_audits, ops.list_action_plans]) {
          expect(reader.max).to.be.below(500);
          expect(reader.count).to.be.at.least(Math.floor(r.rounds * 0.9));
        }
        expect(r.skippedRounds).to.be.at.least(40);
      });

      it('the command line prints the report as JSON (--json) and as text, one line per operation', () => {
        const json = traffic(['--url', db.url, '--duration', '1', '--json', '--cleanup']);
        expect(json.status, json.stderr).to.equal(0);
        expectSaneReport(JSON.parse(json.stdout) as TrafficReport, backend, 1, RATE);

        const goals = count(db.url, 'goals');
        const text = traffic(['--url', db.url, '--duration', '1', '--rate', '40', '--cleanup']);
        expect(text.status, text.stderr).to.equal(0);
        const lines = text.stdout.trimEnd().split('\n');
        expect(lines[0]).to.match(new RegExp(`^live traffic on ${backend}: 1\\.\\d\\d s at 40 rounds/s, \\d+ rounds, \\d+ skipped$`));
        for (const op of OPERATIONS) {
          const mine = lines.filter((l) => l.split(/\s+/)[0] === op);
          expect(mine, op).to.have.lengthOf(1);
          const [, n, p50, p99, max, , errors] = mine[0].split(/\s+/);
          expect(Number(n), op).to.be.at.least(24);
          expect(Number(p50)).to.be.at.most(Number(p99));
          expect(Number(p99)).to.be.at.most(Number(max));
          expect(errors, op).to.equal('0');
        }
        expect(count(db.url, 'goals'), '--cleanup removed its rows').to.equal(goals);
      });

      it('stops on SIGTERM and prints the report', async () => {
        const run = startTraffic(['--url', db.url, '--duration', '60', '--json', '--cleanup']);
        for (let waited = 0; !/rounds\/s for 60 s/.test(run.stderr()); waited += 50) {
          if (waited > 30_000) throw new Error(`the generator did not start: ${run.stderr()}`);
          await sleep(50);
        }
        await sleep(1000);
        run.child.kill('SIGTERM');
        const { status, stdout } = await run.done;
        expect(status, run.stderr()).to.equal(0);
        const r = JSON.parse(stdout) as TrafficReport;
        expect(r.durationMs).to.be.within(900, 10_000);
        for (const [name, s] of Object.entries(r.operations)) {
          expect(s.count, name).to.be.at.least(30);
          expect(s.errors, name).to.equal(0);
        }
      });

      if (backend === 'postgresql') {
        it('hotUpdates() (and --hot-updates with --duration 0) make HOT updates of actions', async () => {
          const hot = () => sqlQuery(db.url, "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'actions';").trim().split('|').map(Number);
          /** Table statistics reach other sessions asynchronously: waits for them to settle above `floor`. */
          async function settled(floor: number): Promise<number[]> {
            let last = hot();
            for (let waited = 0; waited < 5000; waited += 100) {
              await sleep(100);
              const now = hot();
              if (now[1] >= floor && now.join() === last.join()) return now;
              last = now;
            }
            return last;
          }
          const [upd0, hot0] = await settled(0);
          const ids = await hotUpdates(db.url, 60);
          expectLiveRows(db.url, ids);
          const [upd1, hot1] = await settled(hot0 + 30);
          expect(upd1 - upd0, 'updates').to.be.at.least(60);
          expect(hot1 - hot0, 'of which HOT').to.be.at.least(30);

          const cli = traffic(['--url', db.url, '--duration', '0', '--hot-updates', '20', '--json']);
          expect(cli.status, cli.stderr).to.equal(0);
          expect(JSON.parse(cli.stdout)).to.deep.equal({ backend: 'postgresql', hotUpdates: 20 });
          const [, hot2] = await settled(hot1 + 10);
          expect(hot2 - hot1).to.be.at.least(10);
        });
      }

      if (backend === 'mysql') {
        it('a wrong password is one line on stderr, without the password', async () => {
          const url = db.url.replace('//root@', '//root:s3cret-pw@');
          expect(url).to.include('s3cret-pw');
          const r = traffic(['--url', url, '--duration', '1']);
          expect(r.status).to.equal(1);
          expect(r.stderr.trimEnd().split('\n')).to.have.lengthOf(1);
          expect(r.stderr).to.match(/Access denied/).and.not.include('s3cret-pw');
          let message = '';
          await LiveTraffic.start(url).then((t) => t.stop(), (e: Error) => (message = e.message));
          expect(message).to.match(/cannot connect to mysql\+pymysql:\/\/root:\*\*\*@/).and.not.include('s3cret-pw');
        });
      }
    });
  }
});
