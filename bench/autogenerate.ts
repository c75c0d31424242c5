// Autogenerate benchmark (run by bench/autogenerate.sh inside the test servers, after a build): on each
// backend, Watcher's 11 tables at head, compared with the entities by the compiled code (dist/):
// 1) in process: the first comparison on a fresh session (entity metadata, catalog reads) and the
//    median of the following ones; 2) the whole `check` command as a process, median wall time, beside
//    `version` on the same database (the cost of starting the tool and connecting, without autogenerate).
// BENCH_RUNS (default 10) sets the number of measured runs.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BACKENDS, createTempDatabase } from '../test/support/backends';
import { writeConfig } from '../test/support/cli';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
// The compiled code, as users run it (ts-node would add compile time to the first run).
const { diffDatabase } = require(path.join(ROOT, 'dist', 'src', 'api', 'autogenerate')) as typeof import('../src/api/autogenerate');
const { openSession } = require(path.join(ROOT, 'dist', 'src', 'connection', 'session')) as typeof import('../src/connection/session');
const { loadChain } = require(path.join(ROOT, 'dist', 'src', 'script', 'load')) as typeof import('../src/script/load');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  console.log(`autogenerate on Watcher's 11 tables at head; ${RUNS} runs (ms)`);
  console.log('backend      first in-process   median in-process   check (process)   version (process)   operations');
  for (const backend of BACKENDS) {
    const db = await createTempDatabase(backend);
    try {
      const conf = writeConfig(db.url);
      const up = spawnSync(process.execPath, [BIN, '--config-file', conf, 'upgrade'], { encoding: 'utf8' });
      if (up.status !== 0) throw new Error(`upgrade failed: ${up.stderr}`);
      const chain = loadChain();
      const session = await openSession(db.url);
      let t = process.hrtime.bigint();
      const ops = await diffDatabase(session, chain);
      const first = ms(t);
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        t = process.hrtime.bigint();
        await diffDatabase(session, chain);
        warm.push(ms(t));
      }
      await session.close();
      const processTime = (command: string, status: number) => {
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          t = process.hrtime.bigint();
          const r = spawnSync(process.execPath, [BIN, '--config-file', conf, command], { encoding: 'utf8' });
          times.push(ms(t));
          if (r.status !== status) throw new Error(`${command} exited ${r.status}: ${r.stderr}`);
        }
        return median(times);
      };
      // check exits 1: the chain's head lacks what the models added later (see the spec).
      const check = processTime('check', 1);
      const version = processTime('version', 0);
      const f = (n: number) => n.toFixed(0).padStart(6);
      console.log(`${backend.padEnd(12)} ${f(first)}             ${f(median(warm))}            ${f(check)}             ${f(version)}             ${ops.length}`);
    } finally {
      await db.drop();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
