// A Python reference kept running for several upgrade/downgrade steps (reference-session.py), for the
// tests that walk the chain one revision at a time: start-up is paid once, not once per step.
import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { createInterface, Interface } from 'readline';
import { Readable } from 'stream';
import { referenceDir, sqlalchemyUrl } from './reference';

export interface StepResult {
  status: number;
  /** the reference's error, and its log output of the step */
  stderr: string;
  stdout: string;
}

export class ReferenceSession {
  private output = { stdout: '', stderr: '' };
  private answers: AsyncIterator<string>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: Interface,
    private readonly confDir: string,
  ) {
    child.stdout!.on('data', (d) => (this.output.stdout += d));
    child.stderr!.on('data', (d) => (this.output.stderr += d));
    this.answers = lines[Symbol.asyncIterator]();
  }

  /** A reference connected to `url` through its own config file, as runReference does. */
  static start(url: string): ReferenceSession {
    const refDir = referenceDir();
    const confDir = mkdtempSync(path.join(tmpdir(), 'wdm-ref-session-'));
    const conf = path.join(confDir, 'watcher.conf');
    writeFileSync(conf, `[database]\nconnection = ${sqlalchemyUrl(url)}\n`);
    const child = spawn('/usr/bin/python3', [path.join(__dirname, 'reference-session.py'), refDir, conf], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdio[3] as Readable });
    return new ReferenceSession(child, lines, confDir);
  }

  /** `watcher-db-manage upgrade|downgrade --revision REV`, in this process; status 0 or 1 as the CLI's. */
  async step(command: 'upgrade' | 'downgrade', revision: string): Promise<StepResult> {
    this.output = { stdout: '', stderr: '' };
    this.child.stdin!.write(`${JSON.stringify([command, revision])}\n`);
    const next = await this.answers.next();
    if (next.done) throw new Error(`the reference session ended before answering ${command} ${revision}:\n${this.output.stderr}`);
    const answer = JSON.parse(next.value) as { status: number; error?: string };
    return { status: answer.status, stdout: this.output.stdout, stderr: `${this.output.stderr}${answer.error ?? ''}` };
  }

  async stop(): Promise<void> {
    const ended = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    this.lines.close();
    if (this.child.exitCode === null && this.child.signalCode === null) await ended;
    rmSync(this.confDir, { recursive: true, force: true });
  }
}
