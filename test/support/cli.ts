import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'run.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * The package's core API (package.json "main", compiled, as npm installs it and `npm test` builds
 * it), for tests that call the core in process where the CLI is not what they test.
 */
export function coreApi(): typeof import('../../src/index') {
  return require(REPO_ROOT) as typeof import('../../src/index');
}

/** Runs the built CLI (bin/run.js) as an operator would, with no terminal. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // The tests decide the database; an operator's environment must not leak in.
  if (!options.env || !('OS_DATABASE__CONNECTION' in options.env)) delete env.OS_DATABASE__CONNECTION;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: env as NodeJS.ProcessEnv,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A CLI run in the background, for tests that change the world while it runs. */
export interface RunningCli {
  /** Resolves when the CLI exits. */
  done: Promise<CliResult>;
  /** Resolves with the stderr so far once it matches `pattern` (rejects if the CLI exits first). */
  stderrMatch(pattern: RegExp): Promise<string>;
  /** Writes to the CLI's standard input (only with `stdin: true`). */
  write(text: string): void;
  kill(): void;
}

export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: boolean } = {}): RunningCli {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (!options.env || !('OS_DATABASE__CONNECTION' in options.env)) delete env.OS_DATABASE__CONNECTION;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: env as NodeJS.ProcessEnv, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of waiters) w();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
  return {
    done,
    stderrMatch: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const check = () => pattern.test(stderr) && resolve(stderr);
        waiters.push(check);
        check();
        void done.then((r) => reject(new Error(`the CLI exited (${r.status}) before stderr matched ${pattern}: ${r.stderr}`)));
      }),
    write: (text) => child.stdin!.write(text),
    kill: () => child.kill('SIGKILL'),
  };
}

/**
 * A config file pointing at `url`, in a fresh temporary directory; `extra` goes into [DEFAULT],
 * `database` into [database] (e.g. `max_retries = 0`).
 */
export function writeConfig(url: string, extra = '', database = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-conf-'));
  const file = path.join(dir, 'watcher.conf');
  fs.writeFileSync(file, `[DEFAULT]\n${extra}\n[database]\nconnection = ${url}\n${database}\n`);
  return file;
}
