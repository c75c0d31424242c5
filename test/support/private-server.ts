// A PostgreSQL or MariaDB server of the test's own, prepared but not started, on a free port: for tests
// that need a server to appear (or vanish) while the tool runs, which the shared test servers must not.
// Started the way test/support/run-with-servers.js starts the shared ones.
import { execFile, spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pgTool } from './backends';

const run = promisify(execFile);
const IS_ROOT = process.getuid?.() === 0;

export interface PrivateServer {
  port: number;
  /** A URL (SQLAlchemy form) of a database that exists once the server runs. */
  url: string;
  start(): Promise<void>;
  /** Stops the server if it runs and removes its files. */
  destroy(): Promise<void>;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-private-'));
  fs.chmodSync(dir, 0o755); // the postgres user must reach its data dir inside
  return dir;
}

/** PostgreSQL refuses to run as root: as root, its files belong to `postgres` and its tools run via runuser. */
async function asPostgres(dir: string, bin: string, args: string[]): Promise<void> {
  if (IS_ROOT) await run('runuser', ['-u', 'postgres', '--', bin, ...args], { cwd: dir });
  else await run(bin, args, { cwd: dir });
}

/**
 * An initialised PostgreSQL cluster (trust auth, user postgres); `url` names its `postgres` database
 * and carries `password`, which trust auth accepts (as any other).
 */
export async function preparePostgres(password: string): Promise<PrivateServer> {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'pg.log');
  fs.mkdirSync(data, { mode: 0o700 });
  fs.writeFileSync(log, '');
  if (IS_ROOT) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    for (const p of [dir, data, log]) fs.chownSync(p, uid, gid);
  }
  await asPostgres(dir, pgTool('initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  let started = false;
  return {
    port,
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    async start() {
      started = true;
      const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
      await asPostgres(dir, pgTool('pg_ctl'), ['start', '-D', data, '-l', log, '-o', opts, '-w', '-t', '60']);
    },
    async destroy() {
      if (started) await asPostgres(dir, pgTool('pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An initialised MariaDB data directory (root without password); `url` names a database `watcher` of
 * user `watcher` with `password` (percent-encoded in the URL).
 */
export async function prepareMariadb(password: string): Promise<PrivateServer> {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const user = IS_ROOT ? ['--user=root'] : [];
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user], { cwd: dir });
  // The database is created as the server starts, before it accepts connections.
  const init = path.join(dir, 'init.sql');
  const quoted = password.replace(/\\/g, '\\\\').replace(/'/g, "''");
  fs.writeFileSync(
    init,
    `CREATE DATABASE watcher CHARACTER SET utf8mb4;\nCREATE USER 'watcher'@'%' IDENTIFIED BY '${quoted}';\nGRANT ALL ON watcher.* TO 'watcher'@'%';\n`,
  );
  const port = await freePort();
  let proc: ChildProcess | undefined;
  return {
    port,
    url: `mysql+pymysql://watcher:${encodeURIComponent(password)}@127.0.0.1:${port}/watcher`,
    async start() {
      proc = spawn(
        'mariadbd',
        [
          '--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1',
          `--socket=${path.join(dir, 'mysql.sock')}`, `--pid-file=${path.join(dir, 'mysql.pid')}`,
          `--log-error=${path.join(dir, 'mysql.log')}`, '--skip-name-resolve', `--init-file=${init}`,
          '--innodb-buffer-pool-size=64M', '--innodb-flush-log-at-trx-commit=0', ...user,
        ],
        { stdio: 'ignore' },
      );
    },
    async destroy() {
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((resolve) => proc?.once('exit', resolve));
        proc.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
