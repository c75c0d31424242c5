// The shape of src/ that the design depends on (issue 24): a backend's facts and behaviour live in
// its own implementation (src/dialect, connection/drivers, portable/impl), not in comparisons of
// backend names spread through features, and imports run one way. Read from the source itself.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', 'src');

function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** src-relative path, with forward slashes. */
const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');

/** Every module a file imports (static, type-only, require() and import()), as src-relative paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)'(\.[^']+)'/g)) {
    found.push(rel(path.resolve(path.dirname(file), m[1])));
  }
  return found;
}

/** `backend === 'mysql'`, `'sqlite' !== x.backend`, `case 'postgres':`, a driver type compared. */
const BACKEND_COMPARISON =
  /(?:\b(?:backend|type)\s*[!=]==?\s*'(?:postgres|mysql|sqlite|mariadb|better-sqlite3)')|(?:'(?:postgres|mysql|sqlite|mariadb|better-sqlite3)'\s*[!=]==?)|(?:\bcase\s+'(?:postgres|mysql|sqlite|mariadb|better-sqlite3)'\s*:)|(?:backendOf\([^)]*\)\s*[!=]==?)/g;

function comparisonsIn(file: string): number {
  const code = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .join('\n');
  return [...code.matchAll(BACKEND_COMPARISON)].length;
}

describe('architecture of src/', () => {
  const files = sourceFiles();

  it('compares a backend name in at most 20 places outside src/dialect and the purge (which writes each backend its own SQL)', () => {
    const counted = files
      .filter((f) => !/^(dialect|purge)\//.test(rel(f)))
      .map((f) => ({ file: rel(f), n: comparisonsIn(f) }))
      .filter((c) => c.n > 0);
    const total = counted.reduce((sum, c) => sum + c.n, 0);
    expect(total, counted.map((c) => `${c.file}: ${c.n}`).join('\n')).to.be.at.most(20);
  });

  it('finds the comparisons it counts (the counter is not blind)', () => {
    const probe = path.join(SRC, 'dialect', 'index.ts');
    // dialect/index.ts maps driver types to backends without comparing; a line that compares is counted.
    expect(comparisonsIn(probe)).to.equal(0);
    const sample = "if (backend === 'mysql') x(); switch (b) { case 'sqlite': y(); } if (backendOf(qr) !== 'postgres') z();";
    expect([...sample.matchAll(BACKEND_COMPARISON)].length).to.equal(3);
  });

  it('declares the Backend type once, in src/dialect/backend.ts', () => {
    const declaring = files.filter((f) => /^\s*export\s+type\s+Backend\s*=/m.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(declaring).to.deep.equal(['dialect/backend.ts']);
  });

  it('keeps the dialect below everything but the schema model: it imports neither connection, nor the kit, nor the runtime', () => {
    const upward = files
      .filter((f) => rel(f).startsWith('dialect/'))
      .flatMap((f) => importsOf(f).map((target) => ({ from: rel(f), target })))
      .filter(({ target }) => !/^(dialect|schema)\//.test(target));
    expect(upward.map((u) => `${u.from} -> ${u.target}`)).to.deep.equal([]);
  });

  it('has no import between plan and runtime that runs both ways: the runtime imports nothing of the plan', () => {
    const runtimeToPlan = files
      .filter((f) => rel(f).startsWith('runtime/'))
      .flatMap((f) => importsOf(f).map((target) => ({ from: rel(f), target })))
      .filter(({ target }) => target.startsWith('plan/'));
    expect(runtimeToPlan.map((u) => `${u.from} -> ${u.target}`)).to.deep.equal([]);
  });

  it("replaces a runner's query in one module only (connection/statement-stages.ts): every other way to a statement is a stage", () => {
    const replacing = files.filter((f) => /\.query\s*=(?!=)/.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(replacing).to.deep.equal(['connection/statement-stages.ts']);
  });

  it('passes the revision context (portable/context.ts) rather than hanging it on the runner: no symbol slots', () => {
    const slots = files.filter((f) => /\bSymbol\.for\(|\[\s*[A-Z_]+\s*\]\s*=(?!=)/.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(slots).to.deep.equal([]);
  });

  it('keeps the core errors free of the CLI', () => {
    for (const core of ['errors.ts', 'exit-status.ts']) {
      const cli = importsOf(path.join(SRC, core)).filter((target) => /^(cli|commands)\//.test(target));
      expect(cli, core).to.deep.equal([]);
    }
  });
});
