// Runs the Python reference (`watcher-db-manage` from python3-watcher, brought to upstream master head by
// ../shared/reference/overlay.py) so tests can compare our tool with it on the same kind of database.
// run-with-servers.js prepares the patched copy and exports its location as WDM_TEST_REFERENCE_DIR.
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

export interface ReferenceResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface ReferenceOptions {
  /** text for the reference's stdin (purge asks for confirmation) */
  input?: string;
  /** extra environment variables */
  env?: NodeJS.ProcessEnv;
  /** default 120 s: the reference needs ~2 s just to start */
  timeoutMs?: number;
}

// Python reads the overlaid copy first, so it shadows the installed (9.0.0) package. argv[0] becomes the
// installed script's name, so usage and error messages read as they do from /usr/bin/watcher-db-manage.
const MAIN =
  "import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'watcher-db-manage'; " +
  'from watcher.cmd.dbmanage import main; main()';

/** SQLAlchemy needs the driver for MySQL (`mysql+pymysql://`); psycopg2 is its PostgreSQL default. */
export function sqlalchemyUrl(url: string): string {
  return url.replace(/^mysql:\/\//, 'mysql+pymysql://');
}

/** Run `watcher-db-manage --config-file <conf> ...args` of the reference against the database at `url`. */
export function runReference(url: string, args: string[], opts: ReferenceOptions = {}): ReferenceResult {
  const confDir = mkdtempSync(path.join(tmpdir(), 'wdm-ref-'));
  try {
    const conf = path.join(confDir, 'watcher.conf');
    writeFileSync(conf, `[database]\nconnection = ${sqlalchemyUrl(url)}\n`);
    return runReferenceArgs(['--config-file', conf, ...args], opts);
  } finally {
    rmSync(confDir, { recursive: true, force: true });
  }
}

/** Run the reference with exactly these arguments (no config file of ours: it finds its own, or none). */
export function runReferenceArgs(args: string[], opts: ReferenceOptions = {}): ReferenceResult {
  const refDir = process.env.WDM_TEST_REFERENCE_DIR;
  if (!refDir) {
    throw new Error('WDM_TEST_REFERENCE_DIR is not set: run the tests via `npm test` (test/support/run-with-servers.js prepares the reference)');
  }
  // The directory travels as argv[1] (no quoting in code) and is popped before main() parses argv.
  const r = spawnSync('/usr/bin/python3', ['-c', MAIN, refDir, ...args], {
    input: opts.input ?? '',
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120000,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw new Error(`cannot run the reference: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The reference logs to stdout through oslo.log before it prints its answer: the answer is the last line. */
export function lastLine(stdout: string): string {
  const lines = stdout.trim().split('\n');
  return lines[lines.length - 1].trim();
}
