import { spawnSync } from 'node:child_process';
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

/** A config file pointing at `url`, in a fresh temporary directory. */
export function writeConfig(url: string, extra = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-conf-'));
  const file = path.join(dir, 'watcher.conf');
  fs.writeFileSync(file, `[DEFAULT]\n${extra}\n[database]\nconnection = ${url}\n`);
  return file;
}
