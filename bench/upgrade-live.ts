// upgrade on a live database (run by bench/upgrade-live.sh inside the test servers): from
// 609bec748f2a to head while Watcher-shaped traffic runs (bench/live-traffic.ts, 50 rounds/s) and a
// slow request keeps a read transaction open on `audits` for BENCH_READER seconds (default 20), on
// PostgreSQL and MariaDB, with our tool (default lock policy) and with the Python reference. Printed
// per run: the upgrade's time, the time from the reader's end to the upgrade's, the worst wait of a
// service statement (and which), and the services' errors. BENCH_BACKENDS picks the backends.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Backend, createTempDatabase, sqlQuery } from '../test/support/backends';
import { writeConfig } from '../test/support/cli';
import { holdLock } from '../test/support/lock-holder';
import { datasetSql, makeDataset } from '../test/support/purge-dataset';
import { LiveTraffic } from './live-traffic';
import { markdownTable, runBenchmark } from './report';

const BIN = path.join(__dirname, '..', 'bin', 'run.js');
const FROM = '609bec748f2a';
const READER_S = Number(process.env.BENCH_READER ?? 20);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgresql,mysql').split(',') as Backend[];
const REF_MAIN =
  "import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'watcher-db-manage'; from watcher.cmd.dbmanage import main; main()";

type Tool = 'ours' | 'reference';

function command(tool: Tool, url: string, conf: string, args: string[]): string[] {
  if (tool === 'ours') return [process.execPath, BIN, '--config-file', conf, ...args];
  const refDir = process.env.WDM_TEST_REFERENCE_DIR;
  if (!refDir) throw new Error('WDM_TEST_REFERENCE_DIR is not set: run bench/upgrade-live.sh');
  const dir = mkdtempSync(path.join(tmpdir(), 'wdm-ref-'));
  const refConf = path.join(dir, 'watcher.conf');
  writeFileSync(refConf, `[database]\nconnection = ${url.replace(/^mysql:\/\//, 'mysql+pymysql://')}\n`);
  return ['/usr/bin/python3', '-c', REF_MAIN, refDir, '--config-file', refConf, ...args];
}

function run(argv: string[]): Promise<{ status: number; stderr: string; endedAt: number }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ status: code ?? -1, stderr, endedAt: Date.now() }));
  });
}

async function once(backend: Backend, tool: Tool): Promise<string[]> {
  const db = await createTempDatabase(backend);
  try {
    const conf = writeConfig(db.url);
    const up = await run([process.execPath, BIN, '--config-file', conf, 'upgrade', FROM]);
    if (up.status !== 0) throw new Error(up.stderr);
    sqlQuery(db.url, datasetSql(backend, makeDataset(5, { goals: 10, strategiesPerGoal: 2, templatesPerGoal: 2, auditsPerGoal: 100, plansPerAudit: 1, actionsPerPlan: 3, tangle: 0, old: 0.2, young: 0.05, cascade: true })));
    const traffic = await LiveTraffic.start(db.url);
    await new Promise((r) => setTimeout(r, 500));
    const reader = await holdLock(db.url, 'SELECT id FROM audits ORDER BY id LIMIT 1;', { reader: true });
    const started = Date.now();
    const upgrade = run(command(tool, db.url, conf, ['upgrade']));
    await new Promise((r) => setTimeout(r, READER_S * 1000));
    await reader.release();
    const releasedAt = Date.now();
    const result = await upgrade;
    await new Promise((r) => setTimeout(r, 300));
    const report = await traffic.stop();
    const ops = Object.entries(report.operations);
    const [worstOp, worst] = ops.reduce((a, b) => (b[1].max > a[1].max ? b : a));
    const errors = ops.reduce((n, [, op]) => n + op.errors, 0);
    const messages = [...new Set(ops.flatMap(([, op]) => op.errorMessages))].join('; ');
    // The reference ends with SQLAlchemy's "(Background on this error at: ...)": show the error itself.
    const cause = result.stderr.split('\n').filter((l) => /error/i.test(l) && !/Background on this error/.test(l)).pop() ?? '';
    const status = result.status === 0 ? 'ok' : `exit ${result.status}: ${cause.trim().slice(0, 90)}`;
    return [
      backend, tool, status, ((result.endedAt - started) / 1000).toFixed(1), ((result.endedAt - releasedAt) / 1000).toFixed(1),
      `${worst.max.toFixed(0)} (${worstOp})`, String(errors) + (messages ? ` (${messages.slice(0, 60)})` : ''),
    ];
  } finally {
    await db.drop();
  }
}

async function main(): Promise<void> {
  console.log(`upgrade ${FROM} -> head with a ${READER_S} s reader on audits and live traffic (50 rounds/s); Node.js ${process.versions.node}`);
  const header = ['backend', 'tool', 'result', 'upgrade s', 'after reader s', 'worst service wait ms', 'service errors'];
  const table: string[][] = [];
  for (const backend of BACKENDS) {
    for (const tool of ['ours', 'reference'] as Tool[]) {
      const row = await once(backend, tool);
      table.push(row);
      console.log(row.join('  |  '));
    }
  }
  console.log();
  console.log(markdownTable(header, table));
}

runBenchmark(main);
