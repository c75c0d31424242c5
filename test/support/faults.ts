// Fault injection for the fault tests: run the built CLI and interrupt it at a chosen point (SIGKILL at
// the N-th SQL statement it logs, or a pause at a log line during which the test breaks something),
// and describe a database's whole state (schema, version, rows) so that an interrupted-then-rerun
// database can be compared with one that ran without interruption. Like backends.ts, the state is read
// through the CLI clients, never through the tool's own code.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { backendOf, sqlQuery } from './backends';
import { REPO_ROOT } from './cli';
import { dumpSchema } from './schema-dump';
import { rowsByTable, watcherTables } from './watcher-rows';

const BIN = path.join(REPO_ROOT, 'bin', 'run.js');

export { prng } from './prng';

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** SQL statements the run logged (with --debug) */
  statements: string[];
}

export interface Hooks {
  /** Called for each stderr line as it arrives, with the child; `statements` counts DEBUG SQL lines so far. */
  onLine?(line: string, statements: number, child: import('node:child_process').ChildProcess): void;
}

/**
 * Runs the CLI with `args` and resolves when it has exited. stderr is read line by line as it comes:
 * on Linux a pipe write is synchronous in Node, so a "DEBUG SQL:" line is in the pipe before its
 * statement is sent, and a hook that kills on it interrupts the run at that statement (or a few after).
 */
export function runCliWith(args: string[], hooks: Hooks = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.OS_DATABASE__CONNECTION;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let pending = '';
    let stderr = '';
    const statements: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      pending += chunk;
      let i;
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        if (line.startsWith('DEBUG SQL: ')) statements.push(line);
        hooks.onLine?.(line, statements.length, child);
      }
    });
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stderr, statements }));
  });
}

/** Runs the CLI with --debug and SIGKILLs it when it logs its `n`-th SQL statement. */
export function killAtStatement(conf: string, command: string[], n: number): Promise<Run> {
  return runCliWith(['--config-file', conf, '--debug', ...command], {
    onLine(line, count, child) {
      if (line.startsWith('DEBUG SQL: ') && count === n) child.kill('SIGKILL');
    },
  });
}

export interface DbState {
  schema: string;
  /** alembic_version's rows ('<none>' when the table does not exist) */
  version: string;
  /** table -> its rows as the client prints them, ordered by id */
  rows: Record<string, string>;
}

/**
 * Every row of every Watcher table, in two client calls (watcher-rows.ts's rowsByTable). Columns come
 * in table order: the schema is compared separately. apscheduler_jobs.job_state is binary, so that
 * table is read with it in hex.
 */
export function allRows(url: string): Record<string, string> {
  const hex = backendOf(url) === 'postgresql' ? "encode(job_state, 'hex')" : 'lower(hex(job_state))';
  const select = (t: string) =>
    t === 'apscheduler_jobs' ? `SELECT id, next_run_time, ${hex}, service_id, tag FROM apscheduler_jobs ORDER BY id;` : `SELECT * FROM ${t} ORDER BY id;`;
  const rows = rowsByTable(url, watcherTables(url).map((t): [string, string] => [t, select(t)]));
  for (const [table, text] of Object.entries(rows)) {
    // Large tables by digest, so that a failure names the table without printing megabytes.
    if (text.length > 65536) rows[table] = `${text.split('\n').length - 1} rows, sha256 ${createHash('sha256').update(text).digest('hex')}`;
  }
  return rows;
}

export function storedVersion(url: string): string {
  try {
    return sqlQuery(url, 'SELECT version_num FROM alembic_version;').trim();
  } catch {
    return '<none>';
  }
}

export function dbState(url: string): DbState {
  return { schema: dumpSchema(url), version: storedVersion(url), rows: allRows(url) };
}

/** The stderr lines that are neither a log line of the run nor empty: what an operator reads as the error. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !/^(INFO|DEBUG|WARN)/.test(l));
}
