// SQLite writers waiting for the lock get their turn from a long writer (write-lock-turns.ts): with
// back-to-back 20 ms write transactions for 2 s on a real database file, a writer in another process
// (the sqlite3 shell, a 1 s busy timeout, SQLite's own busy handler as Watcher's services have it)
// gets in; without turns it never does. Once another connection has committed, the writer leaves a gap
// before every transaction. And the turns cost nothing where nobody can wait: no pause before a short
// run's next transaction while no one else writes, never one on an in-memory database.
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GAP_MS, NO_TURNS, TURN_MS, WriteLockTurns, writeLockTurns } from '../src/connection/write-lock-turns';

const TRANSACTION_MS = 20;
const RUN_MS = 2000;
const WAITER_BUSY_TIMEOUT_MS = 1000;
const noQuery = async () => [];

/** Our writer's connection, with its turns, and a service's, on a new database file with a table t. */
async function withOursAndAService(test: (c: { ours: Database.Database; service: Database.Database; turns: WriteLockTurns }) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-turns-'));
  const file = path.join(dir, 'x.sqlite');
  const ours = new Database(file);
  const service = new Database(file);
  try {
    ours.exec('CREATE TABLE t (v INTEGER)');
    await test({ ours, service, turns: writeLockTurns({ backend: 'sqlite', sqlitePath: file }, async (sql) => ours.prepare(sql).all()) });
  } finally {
    ours.close();
    service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A writer in another process: its exit status and how long it took. */
function waitingWriter(file: string): Promise<{ status: number | null; ms: number; stderr: string }> {
  const started = performance.now();
  const child = spawn('sqlite3', ['-bail', file], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(`.timeout ${WAITER_BUSY_TIMEOUT_MS}\nINSERT INTO t VALUES (2);\n`);
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, ms: performance.now() - started, stderr })));
}

/** Back-to-back write transactions for RUN_MS, taking turns as `turns` says; a waiter starts after 300 ms, inside a transaction. */
async function longWriter(makeTurns: (query: (sql: string) => Promise<unknown>) => WriteLockTurns) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-turns-'));
  const file = path.join(dir, 'x.sqlite');
  const db = new Database(file);
  const turns = makeTurns(async (sql) => db.prepare(sql).all());
  try {
    db.exec('CREATE TABLE t (v INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (1)');
    const end = performance.now() + RUN_MS;
    let waiter: ReturnType<typeof waitingWriter> | undefined;
    while (performance.now() < end) {
      await turns.beforeWrite();
      db.exec('BEGIN IMMEDIATE');
      await turns.began();
      // Started inside a transaction, so that its first try always finds the lock held (started
      // between two transactions, it could take the lock while this process spawned it). The
      // control can still fail when this process loses its CPU between two transactions: the lane
      // runner runs this file before the lanes, on a quiet machine (test/support/mocha-lanes.js).
      if (!waiter && performance.now() > end - RUN_MS + 300) waiter = waitingWriter(file);
      for (const stop = performance.now() + TRANSACTION_MS; performance.now() < stop; ) insert.run();
      db.exec('COMMIT');
      turns.released();
    }
    const result = await (waiter as ReturnType<typeof waitingWriter>);
    const got = (db.prepare('SELECT count(*) AS n FROM t WHERE v = 2').get() as { n: number }).n;
    return { ...result, got };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('SQLite write-lock turns', function () {
  this.timeout(60_000);

  it('a writer waiting in another process gets in between a long writer\'s transactions, within its busy timeout', async () => {
    const r = await longWriter((query) => writeLockTurns({ backend: 'sqlite', sqlitePath: '/some/file.sqlite' }, query));
    expect(r.status, r.stderr).to.equal(0);
    expect(r.got).to.equal(1);
    expect(r.ms).to.be.below(WAITER_BUSY_TIMEOUT_MS);
  });

  it('without turns the same waiter runs out of its busy timeout (what the turns are for)', async () => {
    const r = await longWriter(() => NO_TURNS);
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/database is locked/);
    expect(r.got).to.equal(0);
  });

  it('once another connection has committed, a gap before every transaction', async () => {
    await withOursAndAService(async ({ ours, service, turns }) => {
      /** One transaction of ours; how long its beforeWrite paused. */
      const transaction = async () => {
        const before = performance.now();
        await turns.beforeWrite();
        const paused = performance.now() - before;
        ours.exec('BEGIN IMMEDIATE');
        await turns.began();
        ours.exec('INSERT INTO t VALUES (1); COMMIT');
        turns.released();
        return paused;
      };
      expect(await transaction()).to.be.below(GAP_MS / 2);
      expect(await transaction(), 'no one else has written').to.be.below(GAP_MS / 2);
      service.exec('INSERT INTO t VALUES (2)');
      expect(await transaction(), 'seen at its BEGIN, paid from the next one').to.be.below(GAP_MS / 2);
      expect(await transaction()).to.be.at.least(GAP_MS - 5);
      expect(await transaction()).to.be.at.least(GAP_MS - 5);
    });
  });

  it('more work may join the open transaction until a turn is due: TURN_MS held, or another writer seen; never without turns', async () => {
    await withOursAndAService(async ({ ours, service, turns }) => {
      const begin = async () => {
        await turns.beforeWrite();
        ours.exec('BEGIN IMMEDIATE');
        await turns.began();
      };
      const commit = () => {
        ours.exec('COMMIT');
        turns.released();
      };
      await begin();
      expect(turns.mayHoldOn(), 'just begun, no one else writes').to.equal(true);
      await new Promise((r) => setTimeout(r, TURN_MS + 10));
      expect(turns.mayHoldOn(), 'held a turn').to.equal(false);
      commit();
      await begin(); // after the gap: a new stretch
      expect(turns.mayHoldOn()).to.equal(true);
      commit();
      service.exec('INSERT INTO t VALUES (2)');
      await begin();
      expect(turns.mayHoldOn(), 'another connection committed: a waiter may be there now').to.equal(false);
      commit();
    });
    expect(NO_TURNS.mayHoldOn()).to.equal(false);
    expect(writeLockTurns({ backend: 'sqlite', sqlitePath: ':memory:' }, noQuery).mayHoldOn(), 'memory').to.equal(false);
    expect(writeLockTurns({ backend: 'postgres' }, noQuery).mayHoldOn(), 'server').to.equal(false);
  });

  it('no pause while a writer has run less than a turn, nor ever in memory or on a server', async () => {
    for (const spec of [
      { backend: 'sqlite' as const, sqlitePath: '/some/file.sqlite' },
      { backend: 'sqlite' as const, sqlitePath: ':memory:' },
      { backend: 'postgres' as const },
    ]) {
      const turns = writeLockTurns(spec, noQuery);
      const started = performance.now();
      // Ten quick transactions: well under a turn.
      for (let i = 0; i < 10; i++) {
        await turns.beforeWrite();
        turns.released();
      }
      expect(performance.now() - started, spec.sqlitePath ?? spec.backend).to.be.below(GAP_MS);
    }
    // Past a turn, a file database pauses once, for the gap; memory never does.
    for (const [sqlitePath, pauses] of [['/some/file.sqlite', true], [':memory:', false]] as const) {
      const turns = writeLockTurns({ backend: 'sqlite', sqlitePath }, noQuery);
      await turns.beforeWrite();
      await new Promise((r) => setTimeout(r, TURN_MS + 10));
      turns.released();
      const before = performance.now();
      await turns.beforeWrite();
      const paused = performance.now() - before;
      if (pauses) expect(paused, sqlitePath).to.be.at.least(GAP_MS - 5);
      else expect(paused, sqlitePath).to.be.below(GAP_MS / 2);
    }
  });
});
