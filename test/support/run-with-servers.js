#!/usr/bin/env node
// Usage: node test/support/run-with-servers.js CMD [ARGS...]
//
// Runs CMD (normally mocha) next to throwaway PostgreSQL and MariaDB servers and a patched copy of the
// Python reference, so every backend is really tested (a skipped backend would hide bugs).
// Plain CommonJS with Node built-ins only: it runs before the TypeScript build, which may be broken.
//
// Exports to CMD:
//   WDM_TEST_PG_URL        postgresql://postgres@127.0.0.1:<port>/postgres   (trust auth, superuser;
//                          members of role wdm_password_auth need their password)
//   WDM_TEST_MYSQL_URL     mysql+pymysql://root@127.0.0.1:<port>/mysql       (root, empty password)
//   WDM_TEST_PG_BIN        directory holding initdb/psql/pg_dump of the server's version
//   WDM_TEST_PG_LOG        the PostgreSQL server's log file
//   WDM_TEST_REFERENCE_DIR directory D such that D/watcher is the reference with overlay.py applied
//   WDM_TEST_PG_SOCKET_DIR, WDM_TEST_MYSQL_SOCKET  the servers' Unix sockets
// It also installs what the Galera tests need (galera-4, rsync); they start their cluster themselves.
// The servers and all temporary directories are removed afterwards, also on SIGINT/SIGTERM, and the
// exit code is CMD's.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { cpuSeconds } = require('./proc-cpu');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SHARED = path.resolve(REPO_ROOT, '..', 'shared');
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const PYTHON = '/usr/bin/python3';
const REFERENCE_SRC = '/usr/lib/python3/dist-packages/watcher';
const START_TIMEOUT_MS = 60000;

function log(msg) {
  process.stderr.write(`run-with-servers: ${msg}\n`);
}

class Fatal extends Error {}

function failure(file, args, why, stdout, stderr) {
  const out = `${stdout || ''}${stderr || ''}`.trim().split('\n').slice(-20).join('\n');
  return new Fatal(`${path.basename(file)} ${args.join(' ')} failed (${why})\n${out}`);
}

// Run a command synchronously, capturing output; throws Fatal with the output tail on failure.
function run(file, args, opts = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.error || r.status !== 0) throw failure(file, args, r.error ? r.error.message : `exit ${r.status}`, r.stdout, r.stderr);
  return r.stdout;
}

// The same without blocking, so that PostgreSQL and MariaDB initialise side by side.
function runAsync(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.once('error', (e) => reject(failure(file, args, e.message, stdout, stderr)));
    p.once('close', (code) => (code === 0 ? resolve(stdout) : reject(failure(file, args, `exit ${code}`, stdout, stderr))));
  });
}

function which(name) {
  const dirs = `${process.env.PATH || ''}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`.split(':');
  for (const dir of dirs) {
    const p = path.join(dir || '.', name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return null;
}

// Newest /usr/lib/postgresql/<ver>/bin with a server in it (Debian keeps server binaries off PATH).
function findPgBin() {
  const base = '/usr/lib/postgresql';
  let versions = [];
  try {
    versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

// Importing watcher itself takes ~2.5 s, so look for its file and import only the two drivers.
function pythonReferenceInstalled() {
  if (!fs.existsSync(path.join(REFERENCE_SRC, 'cmd', 'dbmanage.py'))) return false;
  return spawnSync(PYTHON, ['-c', 'import psycopg2, pymysql'], { stdio: 'ignore' }).status === 0;
}

// Which Debian packages are missing; each check looks for what we actually execute.
function missingPackages() {
  const missing = [];
  const pgBin = findPgBin();
  if (!pgBin || !['pg_ctl', 'postgres', 'psql', 'pg_dump', 'pg_isready'].every((b) => fs.existsSync(path.join(pgBin, b)))) {
    missing.push('postgresql');
  }
  if (!['mariadbd', 'mariadb-install-db', 'mariadb', 'mariadb-admin', 'mysqldump'].every(which)) missing.push('mariadb-server');
  if (!which('sqlite3')) missing.push('sqlite3');
  // The Galera tests start a three-node cluster of their own (test/support/galera-cluster.ts).
  if (!fs.existsSync('/usr/lib/galera/libgalera_smm.so')) missing.push('galera-4');
  if (!which('rsync')) missing.push('rsync');
  // The .deb test (test/deb.test.ts) builds with dpkg-deb and reads the installed man page with man.
  if (!which('dpkg-deb')) missing.push('dpkg');
  if (!which('man')) missing.push('man-db');
  if (!which('groff')) missing.push('groff-base');
  // ... and checks it with lintian, as Debian does.
  if (!which('lintian')) missing.push('lintian');
  if (!fs.existsSync(PYTHON) || !pythonReferenceInstalled()) missing.push('python3-watcher', 'python3-psycopg2', 'python3-pymysql');
  return missing;
}

function ensureTools() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (!IS_ROOT) {
    throw new Fatal(`missing test tools; install them first: apt-get install ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(' ')} with apt-get (once per machine)...`);
  // Debian's postinst may start the system servers on 5432/3306; harmless, ours use other ports.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', ...missing], { env });
  const still = missingPackages();
  if (still.length) throw new Fatal(`still missing after apt-get install: ${still.join(' ')}`);
}

// n distinct free ports: bind port 0 n times at once (so no port repeats), then release them all.
async function freePorts(n) {
  const servers = [];
  for (let i = 0; i < n; i++) {
    const s = net.createServer();
    await new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(0, '127.0.0.1', resolve);
    });
    servers.push(s);
  }
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A server log from its last error line on (a crash report starts there), else its tail. */
function crashReport(file) {
  let lines;
  try {
    lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  } catch {
    return '(no log)';
  }
  const last = lines.map((l) => /\[ERROR\]/.test(l)).lastIndexOf(true);
  if (last < 0) return lines.slice(-20).join('\n');
  // The backtrace, then the statement that crashed it ("Query (0x...): ..."), which is what a report needs.
  const query = lines.findIndex((l, i) => i > last && /^Query \(/.test(l));
  const statement = query > last + 45 ? ['...', ...lines.slice(query, query + 6)] : [];
  return [...lines.slice(last, last + 45), ...statement].join('\n');
}

// Poll `check` until it returns true or the timeout passes.
async function waitUntil(check, what, logFile) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    checkInterrupted();
    if (check()) return;
    await sleep(200);
  }
  throw new Fatal(`${what} did not accept connections within ${START_TIMEOUT_MS / 1000}s; log tail:\n${tail(logFile)}`);
}

// Everything that has to be undone, filled in as it is created.
const state = { tmp: null, pg: null, maria: null, child: null, cleaned: false, interrupted: null };

// A signal that arrives while the servers start is handled here, between steps, so that there is one
// cleanup path (main's) and nothing is started after cleanup.
function checkInterrupted() {
  if (state.interrupted) throw new Fatal(`interrupted by ${state.interrupted}`);
}

// PostgreSQL refuses to run as root, so as root its files belong to `postgres` and its tools run via runuser.
// cwd: the postgres user may not be allowed into the caller's working directory.
function asPg(bin, args, runner = run) {
  return IS_ROOT ? runner('runuser', ['-u', 'postgres', '--', bin, ...args], { cwd: state.tmp }) : runner(bin, args, { cwd: state.tmp });
}

async function startPostgres(pgBin, port) {
  const data = path.join(state.tmp, 'pg-data');
  const sock = path.join(state.tmp, 'pg-sock');
  const logFile = path.join(state.tmp, 'pg.log');
  for (const d of [data, sock]) fs.mkdirSync(d, { mode: 0o700 });
  fs.writeFileSync(logFile, '');
  if (IS_ROOT) {
    const pw = run('id', ['-u', 'postgres']).trim();
    const gid = run('id', ['-g', 'postgres']).trim();
    for (const p of [data, sock, logFile]) fs.chownSync(p, Number(pw), Number(gid));
  }
  await asPg(path.join(pgBin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], runAsync);
  checkInterrupted();
  // Trust for everyone but the members of wdm_password_auth, who must give their password: the
  // tests that prove a password reaches the server (and never the output) create such users.
  const hba = path.join(data, 'pg_hba.conf');
  const passwordLines = ['local all +wdm_password_auth scram-sha-256', 'host all +wdm_password_auth 127.0.0.1/32 scram-sha-256', ''];
  fs.writeFileSync(hba, passwordLines.join('\n') + fs.readFileSync(hba, 'utf8'));
  // Throwaway data: durability settings off for speed.
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${sock} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  state.pg = { pgBin, data };
  try {
    await asPg(path.join(pgBin, 'pg_ctl'), ['start', '-D', data, '-l', logFile, '-o', opts, '-w', '-t', String(START_TIMEOUT_MS / 1000)], runAsync);
  } catch (e) {
    throw new Fatal(`PostgreSQL did not start: ${e.message}\nlog tail:\n${tail(logFile)}`);
  }
  const ready = () =>
    spawnSync(path.join(pgBin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], { stdio: 'ignore' }).status === 0;
  await waitUntil(ready, 'PostgreSQL', logFile);
}

function stopPostgres() {
  if (!state.pg) return;
  const { pgBin, data } = state.pg;
  state.pg = null;
  if (!fs.existsSync(path.join(data, 'postmaster.pid'))) return; // never started, or already gone
  try {
    asPg(path.join(pgBin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']);
  } catch {
    try {
      asPg(path.join(pgBin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']);
    } catch (e) {
      log(`could not stop PostgreSQL: ${e.message}`);
    }
  }
}

function mariaArgs(port) {
  return ['--no-defaults', '--protocol=TCP', '-h', '127.0.0.1', '-P', String(port), '-u', 'root'];
}

async function startMariadb(port) {
  const data = path.join(state.tmp, 'mysql-data');
  const logFile = path.join(state.tmp, 'mysql.log');
  const userArgs = IS_ROOT ? ['--user=root'] : [];
  // `normal` root authentication: root with an empty password, also over TCP (no unix_socket plugin).
  await runAsync(which('mariadb-install-db'), [
    '--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs,
  ], { cwd: state.tmp });
  checkInterrupted();
  // A tmpdir of its own: its internal temporary tables (Aria files, one for every information_schema
  // read) then never share /tmp with the other servers and the tests' files.
  const tmpdir = path.join(state.tmp, 'mysql-tmp');
  fs.mkdirSync(tmpdir);
  const proc = spawn(which('mariadbd'), [
    '--no-defaults', `--datadir=${data}`, `--tmpdir=${tmpdir}`, `--port=${port}`, '--bind-address=127.0.0.1',
    `--socket=${path.join(state.tmp, 'mysql.sock')}`, `--pid-file=${path.join(state.tmp, 'mysql.pid')}`,
    `--log-error=${logFile}`, '--skip-name-resolve', '--innodb-flush-log-at-trx-commit=0',
    '--innodb-buffer-pool-size=64M', '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci',
    ...userArgs,
  ], { stdio: 'ignore' });
  const maria = { proc, dead: false };
  maria.exited = new Promise((resolve) => {
    proc.once('exit', resolve);
    proc.once('error', resolve);
  }).then(() => (maria.dead = true));
  state.maria = maria;
  const admin = which('mariadb-admin');
  const ready = () => {
    if (maria.dead) throw new Fatal(`mariadbd exited during start-up; log tail:\n${tail(logFile)}`);
    return spawnSync(admin, [...mariaArgs(port), '--connect-timeout=2', 'ping'], { stdio: 'ignore' }).status === 0;
  };
  await waitUntil(ready, 'MariaDB', logFile);
  // A crash of the server mid-run (seen once: signal 11 inside mariadbd) makes every MariaDB test
  // after it fail with "Can't connect": say so when it happens, with the server's own account.
  proc.once('exit', (code, signal) => {
    if (!maria.stopping) log(`MariaDB exited during the run (${signal ?? `exit ${code}`}): the MariaDB tests after this fail. Its log:\n${crashReport(logFile)}`);
  });
  // ping succeeds even when login is refused, and may reach another server that took the port first:
  // prove that root without a password works, on our server.
  const datadir = run(which('mariadb'), [...mariaArgs(port), '-N', '-B', '-e', 'SELECT @@datadir']).trim();
  if (path.resolve(datadir) !== path.resolve(data)) {
    throw new Fatal(`another MariaDB (datadir ${datadir}) answers on port ${port}; log tail:\n${tail(logFile)}`);
  }
}

async function stopMariadb() {
  if (!state.maria) return;
  state.maria.stopping = true;
  const { proc, exited, dead } = state.maria;
  state.maria = null;
  if (dead) return;
  proc.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(30000).then(() => true)]);
  if (timedOut) {
    proc.kill('SIGKILL');
    await exited;
  }
}

async function cleanup() {
  if (state.cleaned) return;
  state.cleaned = true;
  stopPostgres();
  await stopMariadb();
  if (state.tmp) fs.rmSync(state.tmp, { recursive: true, force: true });
}

// A copy of the installed reference with overlay.py applied (brings it to upstream master head).
function prepareReference() {
  const dir = path.join(state.tmp, 'reference');
  const target = path.join(dir, 'watcher');
  fs.cpSync(REFERENCE_SRC, target, { recursive: true, filter: (src) => path.basename(src) !== '__pycache__' });
  run(PYTHON, [path.join(SHARED, 'reference', 'overlay.py'), target]);
  // The installed script as well, for the tests that run it as an operator does: a copy, taken before
  // any test runs, because test/deb.test.ts diverts /usr/bin/watcher-db-manage while the lanes run.
  // Where an earlier run left the diversion in place, the Python script is where dpkg-divert says.
  const installed = spawnSync('dpkg-divert', ['--truename', '/usr/bin/watcher-db-manage'], { encoding: 'utf8' }).stdout?.trim() || '/usr/bin/watcher-db-manage';
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(installed, path.join(dir, 'bin', 'watcher-db-manage'));
  fs.chmodSync(path.join(dir, 'bin', 'watcher-db-manage'), 0o755);
  return dir;
}

async function main() {
  const cmd = process.argv.slice(2);
  if (cmd.length === 0) throw new Fatal('usage: node test/support/run-with-servers.js CMD [ARGS...]');
  ensureTools();
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-servers-'));
  fs.chmodSync(state.tmp, 0o755); // the postgres user must reach its data dir inside
  const pgBin = findPgBin();
  const [pgPort, myPort] = await freePorts(2);
  const referenceDir = prepareReference();
  // allSettled: never start cleaning up while the other server is still being started.
  const started = await Promise.allSettled([startPostgres(pgBin, pgPort), startMariadb(myPort)]);
  const failed = started.filter((s) => s.status === 'rejected').map((s) => s.reason);
  if (failed.length) throw new Fatal(failed.map((e) => (e instanceof Fatal ? e.message : e.stack)).join('\n'));
  checkInterrupted();
  log(`PostgreSQL on 127.0.0.1:${pgPort}, MariaDB on 127.0.0.1:${myPort}`);
  const env = {
    ...process.env,
    WDM_TEST_PG_URL: `postgresql://postgres@127.0.0.1:${pgPort}/postgres`,
    WDM_TEST_MYSQL_URL: `mysql+pymysql://root@127.0.0.1:${myPort}/mysql`,
    WDM_TEST_PG_BIN: pgBin,
    // The server's log, for the tests that read the statements it logged (log_statement = 'all').
    WDM_TEST_PG_LOG: path.join(state.tmp, 'pg.log'),
    WDM_TEST_REFERENCE_DIR: referenceDir,
    // Unix sockets, for the URL forms that use them (host=/dir on PostgreSQL, unix_socket= on MySQL).
    WDM_TEST_PG_SOCKET_DIR: path.join(state.tmp, 'pg-sock'),
    WDM_TEST_MYSQL_SOCKET: path.join(state.tmp, 'mysql.sock'),
  };
  state.child = spawn(cmd[0], cmd.slice(1), { stdio: 'inherit', env });
  return await new Promise((resolve) => {
    state.child.once('error', (e) => {
      log(`cannot run ${cmd[0]}: ${e.message}`);
      resolve(127);
    });
    state.child.once('exit', (code, signal) => {
      const cpu = serverCpuLine();
      if (cpu) log(cpu);
      resolve(code ?? 128 + (os.constants.signals[signal] || 1));
    });
  });
}

/** CPU seconds of `pid` and of the children it has reaped (PostgreSQL's postmaster reaps its backends). */
function cpuSecondsOf(pid) {
  const cpu = cpuSeconds(pid);
  return cpu && cpu.self + cpu.children;
}

/** One line of the CPU the two servers used during the run: with the lanes' own figures, where the suite's time goes. */
function serverCpuLine() {
  const parts = [];
  if (state.pg) {
    const pidFile = path.join(state.pg.data, 'postmaster.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
    const s = Number.isFinite(pid) ? cpuSecondsOf(pid) : undefined;
    if (s !== undefined) parts.push(`PostgreSQL ${s.toFixed(0)} s`);
  }
  if (state.maria && !state.maria.dead) {
    const s = cpuSecondsOf(state.maria.proc.pid);
    if (s !== undefined) parts.push(`MariaDB ${s.toFixed(0)} s`);
  }
  return parts.length ? `CPU used by the servers: ${parts.join(', ')}` : undefined;
}

// On SIGINT/SIGTERM: pass it to CMD, which then exits and main() cleans up; before CMD runs, start-up
// notices the flag and stops. Either way the servers are stopped and the exit code says why.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (state.child && state.child.exitCode === null && state.child.signalCode === null) {
      state.child.kill(sig);
    } else {
      state.interrupted = sig;
    }
  });
}

main()
  .catch((e) => {
    log(e instanceof Fatal ? e.message : e.stack || String(e));
    return state.interrupted ? 128 + os.constants.signals[state.interrupted] : 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
