// A scratch copy of the project, as a Watcher developer's checkout: tests edit its entity classes,
// run `revision --autogenerate` through its compiled CLI, build it, and upgrade and downgrade real
// databases with it, without touching the repository. node_modules is shared by a symlink.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliResult, REPO_ROOT } from './cli';

/** What a checkout holds after `npm ci && npm run build`. */
export const CHECKOUT = ['package.json', 'tsconfig.json', 'oclif.manifest.json', 'bin', 'src', 'entities', 'migrations', 'dist'];

export class ScratchProject {
  private constructor(readonly root: string) {}

  /** A copy of `entries` of the repository (a checkout by default) in a new temporary directory. */
  static create(prefix: string, entries: string[] = CHECKOUT): ScratchProject {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const entry of entries) fs.cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    return new ScratchProject(root);
  }

  path(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  read(file: string): string {
    return fs.readFileSync(this.path(file), 'utf8');
  }

  write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(this.path(file)), { recursive: true });
    fs.writeFileSync(this.path(file), text);
  }

  /** Replaces `from` (which must be there, once) by `to` in `file`: an edit that silently did nothing would make a test pass for nothing. */
  replace(file: string, from: string, to: string): void {
    const text = this.read(file);
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}`);
    this.write(file, text.slice(0, at) + to + text.slice(at + from.length));
  }

  /** The compile step of `npm run build` (tsc into dist/; the manifest does not change with entities or revisions). */
  build(): { status: number; output: string } {
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', this.path('tsconfig.json')], { encoding: 'utf8', timeout: 300_000 });
    return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
  }

  /**
   * The compiled CLI (bin/run.js; `bin: 'dev.js'` runs it from source) against `url`, with no
   * terminal; the environment's database never leaks in.
   */
  run(url: string | undefined, args: string[], options: { env?: Record<string, string>; bin?: 'run.js' | 'dev.js' } = {}): CliResult {
    const full: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    delete full.OS_DATABASE__CONNECTION;
    if (url) full.OS_DATABASE__CONNECTION = url;
    const bin = this.path('bin', options.bin ?? 'run.js');
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: os.tmpdir(), env: full, encoding: 'utf8', timeout: 600_000 });
    if (r.error) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** The revision files of `dir` (the source migrations/ unless told). */
  revisionFiles(dir = 'migrations'): string[] {
    return fs.readdirSync(this.path(dir)).filter((f) => /^[0-9a-f]{12}_.*\.(ts|js)$/.test(f)).sort();
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
