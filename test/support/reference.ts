// Runs the Python reference (`watcher-db-manage` from python3-watcher, brought to upstream master head by
// ../shared/reference/overlay.py) so tests can compare our tool with it on the same kind of database.
// run-with-servers.js prepares the patched copy and exports its location as WDM_TEST_REFERENCE_DIR.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
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

/**
 * Run the reference with exactly these arguments (no config file of ours: it finds its own, or none).
 * The run is a child forked from one reference process per test process (reference-forks.py), with
 * this process's environment, working directory and the given stdin, as spawning it would give it.
 */
export function runReferenceArgs(args: string[], opts: ReferenceOptions = {}): ReferenceResult {
  const refDir = referenceDir();
  const timeoutMs = opts.timeoutMs ?? 120000;
  const request = { argv: args, env: { ...process.env, ...opts.env }, cwd: process.cwd(), input: opts.input ?? '', timeout: timeoutMs / 1000 };
  const r = spawnSync('/usr/bin/python3', ['-S', '-c', CLIENT, forkServer(refDir)], {
    input: `${JSON.stringify(request)}\n`,
    encoding: 'utf8',
    timeout: timeoutMs + 30000,
    maxBuffer: 64 << 20,
  });
  if (r.error) throw new Error(`cannot run the reference: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`cannot run the reference: its fork server did not answer: ${r.stderr}`);
  const answer = JSON.parse(r.stdout) as { status: number | null; signal: number | null; stdout: string; stderr: string; timedOut: boolean };
  if (answer.timedOut) throw new Error(`cannot run the reference: ${args.join(' ')} took more than ${timeoutMs} ms`);
  return { status: answer.status ?? -1, stdout: answer.stdout, stderr: answer.stderr };
}

/** Sends one request (stdin) to the fork server at argv[1] and prints its answer. */
const CLIENT =
  'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); ' +
  "s.sendall(sys.stdin.buffer.read()); sys.stdout.buffer.write(s.makefile('rb').readline())";

let server: { socket: string; process: ChildProcess } | undefined;

/** The fork server's socket, starting the server on first use (about 2.5 s, the price of one run). */
function forkServer(refDir: string): string {
  if (server) return server.socket;
  const dir = mkdtempSync(path.join(tmpdir(), 'wdm-ref-forks-'));
  const socket = path.join(dir, 'reference.sock');
  const logFile = path.join(dir, 'server.log');
  const child = spawn('/usr/bin/python3', [path.join(__dirname, 'reference-forks.py'), refDir, socket], {
    // Its stdin stays open while this process lives: when it closes, the server exits.
    stdio: ['pipe', openSync(logFile, 'w'), openSync(logFile, 'a')],
  });
  // Neither the server nor its pipe keeps mocha waiting at the end.
  if (child.pid === undefined) throw new Error('cannot start the reference\'s fork server: /usr/bin/python3 did not start');
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  // This function is synchronous, as spawnSync was: wait for the socket without the event loop.
  const deadline = Date.now() + 120000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(socket)) {
    const state = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.[0];
    if (state === 'Z' || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`cannot start the reference's fork server: ${readFileSync(logFile, 'utf8').trim() || 'no output'}`);
    }
    Atomics.wait(pause, 0, 0, 20);
  }
  server = { socket, process: child };
  return socket;
}

/** The reference logs to stdout through oslo.log before it prints its answer: the answer is the last line. */
export function lastLine(stdout: string): string {
  const lines = stdout.trim().split('\n');
  return lines[lines.length - 1].trim();
}

/**
 * The Python tool's installed script (/usr/bin/watcher-db-manage of python3-watcher), as copied by
 * run-with-servers before the tests start: the same file under the same name, which oslo.log uses,
 * whatever test/deb.test.ts does to /usr/bin meanwhile.
 */
export function referenceScript(): string {
  return path.join(referenceDir(), 'bin', 'watcher-db-manage');
}

/** The directory run-with-servers prepared the reference in (WDM_TEST_REFERENCE_DIR). */
export function referenceDir(): string {
  const refDir = process.env.WDM_TEST_REFERENCE_DIR;
  if (!refDir) {
    throw new Error('WDM_TEST_REFERENCE_DIR is not set: run the tests via `npm test` (test/support/run-with-servers.js prepares the reference)');
  }
  return refDir;
}
