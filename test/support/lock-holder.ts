// Another session that holds a lock until the test lets it go, as a slow request of one of Watcher's
// services would: through the backend's CLI client (backends.ts), never through the tool's code.
import { spawn } from 'node:child_process';
import { Backend, backendOf, libpqUrl, mysqlClientArgs, pgTool, sqlitePath, sqlQuery } from './backends';

export interface LockHolder {
  /** Commits the holder's transaction and waits for the client to exit. */
  release(): Promise<void>;
}

const BEGIN: Record<Backend, string> = { postgresql: 'BEGIN;', mysql: 'START TRANSACTION;', sqlite: 'BEGIN IMMEDIATE;' };

/** Whether some other session holds a transaction open (and, on SQLite, the write lock). */
function held(url: string): boolean {
  switch (backendOf(url)) {
    case 'postgresql':
      return Number(sqlQuery(url, "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database();").trim()) > 0;
    case 'mysql':
      return Number(sqlQuery(url, 'SELECT count(*) FROM information_schema.innodb_trx WHERE trx_rows_locked > 0;').trim()) > 0;
    case 'sqlite':
      try {
        sqlQuery(url, '.timeout 0\nBEGIN IMMEDIATE;\nROLLBACK;');
        return false;
      } catch {
        return true;
      }
  }
}

/**
 * Opens a transaction, runs `statements` in it (taking their locks), and keeps it open. A reader
 * (`{ reader: true }`) takes no row lock, which is what `held` looks for: it is held once the
 * client has printed what the statements read.
 */
export async function holdLock(url: string, statements: string, options: { reader?: boolean } = {}): Promise<LockHolder> {
  const backend = backendOf(url);
  const child =
    backend === 'postgresql'
      ? spawn(pgTool('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', libpqUrl(url)], { stdio: ['pipe', 'pipe', 'pipe'] })
      : backend === 'mysql'
        ? (() => {
            const { args, env, database } = mysqlClientArgs(url);
            return spawn('mariadb', [...args, '--unbuffered', database], { env, stdio: ['pipe', 'pipe', 'pipe'] });
          })()
        : spawn('sqlite3', ['-bail', sqlitePath(url)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  const marker = 'wdm-lock-held';
  child.stdin.write(`${BEGIN[backend]}\n${statements}\n${options.reader ? `SELECT '${marker}';\n` : ''}`);
  const isHeld = () => (options.reader ? stdout.includes(marker) : held(url));
  for (const deadline = Date.now() + 10_000; !isHeld(); ) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the lock holder did not get its lock: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    release: async () => {
      child.stdin.end('COMMIT;\n');
      const code = await exited;
      if (code !== 0) throw new Error(`the lock holder failed (${code}): ${stderr}`);
    },
  };
}
