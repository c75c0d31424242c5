// A scratch copy of the project, as a Watcher developer's checkout: tests edit its entity classes,
// run `revision --autogenerate` through its compiled CLI, build it, and upgrade and downgrade real
// databases with it, without touching the repository. node_modules is shared by a symlink.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliResult, REPO_ROOT } from './cli';
import { compileProject } from './in-process-tsc';

/** What a checkout holds after `npm ci && npm run build`. */
export const CHECKOUT = ['package.json', 'tsconfig.json', 'oclif.manifest.json', 'bin', 'src', 'entities', 'migrations', 'dist'];

/** Where tsc keeps what it compiled, so that a build after an edit compiles only what the edit touched. */
const BUILD_INFO = '.tsbuildinfo';

let template: string | undefined;

/**
 * One checkout built with its build info, made on first use and copied for each scratch checkout:
 * the first build of each copy is then incremental too (a full one takes 10-20 s, and every scratch
 * test builds several times). tsc keeps the paths in the build info relative to it, so copies share it.
 * Under the lane runner (test/support/mocha-lanes.js) the mochas side by side share one template in
 * WDM_TEST_SCRATCH_TEMPLATE: the first to need it builds it, the others wait for it.
 */
function builtTemplate(): string {
  if (template) return template;
  const shared = process.env.WDM_TEST_SCRATCH_TEMPLATE;
  template = shared ? sharedTemplate(shared) : buildTemplate(fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-checkout-template-')), true);
  return template;
}

function buildTemplate(root: string, removeOnExit: boolean): string {
  if (removeOnExit) process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  copyEntries(REPO_ROOT, root, CHECKOUT);
  const built = compile(root);
  if (built.status !== 0) throw new Error(`the scratch checkout template does not build:\n${built.output}`);
  return root;
}

/** The template in `dir` (which its creator removes): built here if no other process claimed it first. */
function sharedTemplate(dir: string): string {
  const root = path.join(dir, 'checkout');
  const outcome = path.join(dir, 'outcome');
  // Renamed into place, so a waiting process never reads it half-written.
  const tell = (text: string) => {
    fs.writeFileSync(`${outcome}.tmp`, text);
    fs.renameSync(`${outcome}.tmp`, outcome);
  };
  let claimed = true;
  try {
    fs.mkdirSync(root);
  } catch {
    claimed = false;
  }
  if (claimed) {
    try {
      buildTemplate(root, false);
      tell('built');
    } catch (error) {
      tell((error as Error).message);
      throw error;
    }
    return root;
  }
  // Synchronous on purpose: ScratchProject.create is; the builder takes 10-20 s at most.
  const deadline = Date.now() + 600_000;
  while (!fs.existsSync(outcome)) {
    if (Date.now() > deadline) throw new Error(`the shared scratch checkout template in ${dir} was not built within 10 min`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  const said = fs.readFileSync(outcome, 'utf8');
  if (said !== 'built') throw new Error(said);
  return root;
}

function copyEntries(from: string, to: string, entries: string[]): void {
  for (const entry of entries) fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
  if (!fs.existsSync(path.join(to, 'node_modules'))) fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(to, 'node_modules'));
}

/**
 * The compile step of `npm run build` (tsc into dist/; the manifest does not change with entities or
 * revisions), in this process with the declarations parsed once (see in-process-tsc.ts).
 */
function compile(root: string): { status: number; output: string } {
  return compileProject(path.join(root, 'tsconfig.json'), path.join(root, BUILD_INFO));
}

export class ScratchProject {
  private constructor(readonly root: string) {}

  /** A copy of `entries` of the repository (a built checkout by default) in a new temporary directory. */
  static create(prefix: string, entries: string[] = CHECKOUT): ScratchProject {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    if (entries === CHECKOUT) copyEntries(builtTemplate(), root, [...CHECKOUT, BUILD_INFO]);
    else copyEntries(REPO_ROOT, root, entries);
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

  /** The compile step of `npm run build`, incremental (see builtTemplate). */
  build(): { status: number; output: string } {
    return compile(this.root);
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

  /** run(), failing with the command and its output unless it exits 0. */
  mustRun(url: string | undefined, args: string[], options: { env?: Record<string, string>; bin?: 'run.js' | 'dev.js' } = {}): CliResult {
    const r = this.run(url, args, options);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
    return r;
  }

  /** build(), failing with the compiler's output unless it compiles. */
  mustBuild(): void {
    const r = this.build();
    if (r.status !== 0) throw new Error(`the build failed:\n${r.output}`);
  }

  /**
   * Upgrades `url` to head, then generates, builds and applies a first autogenerated revision for the
   * drift the shipped models already have against the chain (the known drift of entities/known-drift.ts,
   * which autogenerate leaves out unless told), so that the schema is the entities' exactly.
   */
  absorbModelDrift(url: string): { id: string; warnings: string[] } {
    this.mustRun(url, ['upgrade']);
    const drift = JSON.parse(this.mustRun(url, ['revision', '-m', 'models drift', '--autogenerate', '--include-known-drift', '--json']).stdout) as { id: string; warnings: string[] };
    this.mustBuild();
    this.mustRun(url, ['upgrade']);
    return drift;
  }

  /** The revision files of `dir` (the source migrations/ unless told). */
  revisionFiles(dir = 'migrations'): string[] {
    return fs.readdirSync(this.path(dir)).filter((f) => /^[0-9a-f]{12}_.*\.(ts|js)$/.test(f)).sort();
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
