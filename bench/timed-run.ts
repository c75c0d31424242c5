import { spawn } from 'node:child_process';

export interface TimedRun {
  status: number;
  stderr: string;
  seconds: number;
  /** The process's peak resident memory, as GNU time reports it. */
  maxRssMb: number;
}

/** Runs `node ARGS` under GNU time: its exit status, standard error, wall-clock seconds and peak RSS. */
export function timedRun(args: string[]): Promise<TimedRun> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => {
      const lines = stderr.trim().split('\n');
      const rss = Number(lines.pop()) / 1024;
      resolve({ status: code ?? -1, stderr: lines.join('\n'), seconds: Number(process.hrtime.bigint() - started) / 1e9, maxRssMb: rss });
    });
  });
}
