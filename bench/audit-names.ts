// The data revision a86240e89a29 at scale: BENCH_AUDITS audits (default 1,000,000) without a name, on
// each backend of BENCH_BACKENDS (default sqlite,postgresql,mysql); prints the wall time and peak RSS
// of `upgrade --revision a86240e89a29` (the whole process, start-up included) and checks that every
// audit got a name; and the Python reference's run of the same revision on the same database, which
// names none. Run by bench/audit-names.sh inside the test servers, or directly with
// WDM_TEST_PG_URL / WDM_TEST_MYSQL_URL (and WDM_TEST_REFERENCE_DIR for the reference) set.
// The audits are seeded set-based, with awkward owners and timestamps (test/support/unnamed-audits.ts).
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { Backend, createTempDatabase, sqlQuery } from '../test/support/backends';
import { writeConfig } from '../test/support/cli';
import { runReference } from '../test/support/reference';
import { unnamedAuditsSql } from '../test/support/unnamed-audits';

const BIN = path.join(__dirname, '..', 'bin', 'run.js');
const AUDITS = Number(process.env.BENCH_AUDITS ?? 1_000_000);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'sqlite,postgresql,mysql').split(',') as Backend[];

function timed(args: string[]): { seconds: number; maxRssMb: number; status: number; stderr: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, BIN, ...args], { encoding: 'utf8', input: '', maxBuffer: 64 << 20 });
  const last = r.stderr.trim().split('\n').pop()!.split(' ');
  return { seconds: Number(last[0]), maxRssMb: Number(last[1]) / 1024, status: r.status ?? -1, stderr: r.stderr };
}

function count(url: string, where: string): number {
  return Number(sqlQuery(url, `SELECT COUNT(*) FROM audits WHERE ${where};`).trim());
}

/**
 * The reference's a86240e89a29 on the same database, when it is at hand (WDM_TEST_REFERENCE_DIR, as
 * bench/audit-names.sh sets it): it names nothing, so afterwards the database is stamped back for ours.
 */
function referenceRun(url: string, conf: string): { seconds: number; named: number } | undefined {
  if (!process.env.WDM_TEST_REFERENCE_DIR) return undefined;
  const start = process.hrtime.bigint();
  const r = runReference(url, ['upgrade', '--revision', 'a86240e89a29'], { timeoutMs: 1_800_000 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`the reference failed: ${r.stderr}`);
  const named = count(url, 'name IS NOT NULL');
  const back = spawnSync(process.execPath, [BIN, '--config-file', conf, 'stamp', '3cfc94cecf4e'], { encoding: 'utf8' });
  if (back.status !== 0) throw new Error(back.stderr);
  return { seconds, named };
}

async function bench(backend: Backend): Promise<void> {
  const db = await createTempDatabase(backend);
  try {
    const conf = writeConfig(db.url);
    const up = spawnSync(process.execPath, [BIN, '--config-file', conf, 'upgrade', '--revision', '3cfc94cecf4e'], { encoding: 'utf8' });
    if (up.status !== 0) throw new Error(up.stderr);
    const seedStart = process.hrtime.bigint();
    sqlQuery(db.url, unnamedAuditsSql(backend, AUDITS));
    const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
    const reference = referenceRun(db.url, conf);
    const t = timed(['--config-file', conf, 'upgrade', '--revision', 'a86240e89a29']);
    if (t.status !== 0) throw new Error(t.stderr);
    const unnamed = count(db.url, 'name IS NULL');
    const long = count(db.url, `${backend === 'mysql' ? 'CHAR_LENGTH' : 'length'}(name) = 63`);
    console.log(
      `${backend.padEnd(10)} ${AUDITS} audits named in ${t.seconds.toFixed(2).padStart(6)} s, peak RSS ${t.maxRssMb.toFixed(0).padStart(4)} MB ` +
        `(seeded in ${seedSeconds.toFixed(1)} s; left unnamed: ${unnamed}, names 63 characters long: ${long})`,
    );
    if (reference) console.log(`${''.padEnd(10)} the reference: ${reference.seconds.toFixed(2).padStart(6)} s, and it named ${reference.named} audits (its filter is a Python expression, not SQL)`);
    if (unnamed !== 0) throw new Error(`${backend}: ${unnamed} audits were left without a name`);
  } finally {
    await db.drop();
  }
}

async function main(): Promise<void> {
  console.log(`a86240e89a29 (name the unnamed audits), wall clock of the whole process (Node.js ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)})`);
  for (const backend of BACKENDS) await bench(backend);
  if (!process.env.WDM_TEST_REFERENCE_DIR) console.log('(WDM_TEST_REFERENCE_DIR is not set: the Python reference was not run; bench/audit-names.sh runs it)');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
