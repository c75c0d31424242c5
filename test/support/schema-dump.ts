// Schema dumps, normalised so that a database built by our tool can be compared with the reference's
// dumps in ../shared/reference. The normalisation removes only what ../shared/reference/README.md says
// was removed or does not matter (tool chatter, counters, layout, statement order); types, nullability,
// defaults, names and column/key order must match exactly.
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { Backend, backendOf, libpqUrl, mysqlClientArgs, pgTool, sqlitePath } from './backends';

/** ../shared relative to the repository root. */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');
export const REFERENCE_DUMPS_DIR = path.join(SHARED_DIR, 'reference');

// Whole lines that carry no schema. Each entry says which tool prints it.
const DROPPED_LINES: Record<Backend, RegExp[]> = {
  postgresql: [
    /^SET\s/, // pg_dump session settings
    /^SELECT pg_catalog\.set_config\(/, // pg_dump search_path reset
    /^\\(un)?restrict\s/, // pg_dump >= 15.14 psql meta-commands with a random key
  ],
  mysql: [
    /^\/\*!\d*.*\*\/;?$/, // mysqldump conditional statements (/*!40101 SET ... */;)
    /^\/\*M!\d*.*\*\/;?$/, // MariaDB's variant (/*M!999999\- enable the sandbox mode */)
    /^DROP TABLE IF EXISTS\s/, // mysqldump's drop before each create
  ],
  sqlite: [],
};

/** Normalise one dump (see the header comment): its statements, sorted, each ending with `;`. */
export function normaliseDump(backend: Backend, text: string): string {
  const lines = text
    .split(/\r?\n/)
    .filter((line) => {
      const t = line.trim();
      return t !== '' && !t.startsWith('--') && !DROPPED_LINES[backend].some((re) => re.test(t));
    })
    // mysqldump writes the table's next AUTO_INCREMENT value into the options: a counter, not schema.
    .map((line) => (backend === 'mysql' && /^\)/.test(line) ? line.replace(/ AUTO_INCREMENT=\d+/, '') : line));
  // Every dump tool ends a statement with `;` at the end of a line.
  const statements = lines
    .join('\n')
    .split(/;[ \t]*(?:\n|$)/)
    .map(normaliseStatement)
    .filter((s) => s !== '');
  return statements.sort().map((s) => `${s};`).join('\n');
}

/**
 * Canonical form of one statement. Outside '...' literals: identifier quotes (" and `) are dropped and
 * whitespace is layout only, so it is first removed next to `(`, `)`, `,` and collapsed elsewhere; then
 * one fixed layout is applied for reading: a space after `,` and after `)` before a word, and in
 * CREATE TABLE one column or key per line, so that a failed comparison diffs line by line.
 */
function normaliseStatement(stmt: string): string {
  let compact = '';
  let space = false; // whitespace seen since the last kept character
  let inLiteral = false;
  for (const c of stmt) {
    if (inLiteral) {
      compact += c;
      if (c === "'") inLiteral = false; // a doubled '' toggles twice: still right
      continue;
    }
    if (c === '"' || c === '`') continue;
    if (/\s/.test(c)) {
      space = true;
      continue;
    }
    if (space && compact !== '' && !/[(),]$/.test(compact) && !'(),'.includes(c)) compact += ' ';
    space = false;
    if (c === "'") inLiteral = true;
    compact += c;
  }
  return layout(compact);
}

function layout(compact: string): string {
  const table = compact.startsWith('CREATE TABLE ');
  let out = '';
  let depth = 0;
  let inLiteral = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i];
    const next = compact[i + 1] ?? '';
    if (inLiteral || c === "'") {
      out += c;
      if (c === "'") inLiteral = !inLiteral;
      continue;
    }
    if (c === '(') {
      depth++;
      out += table && depth === 1 ? ' (\n  ' : '(';
    } else if (c === ')') {
      out += table && depth === 1 ? '\n)' : ')';
      depth--;
      if (next !== '' && !'),'.includes(next)) out += ' ';
    } else if (c === ',') {
      out += table && depth === 1 ? ',\n  ' : ', ';
    } else {
      out += c;
    }
  }
  return out;
}

/** The raw dump of a database's schema, as the README's tools print it. */
export function rawSchemaDump(url: string): string {
  const opts = { encoding: 'utf8' as const, maxBuffer: 64 << 20 };
  switch (backendOf(url)) {
    case 'postgresql':
      return execFileSync(pgTool('pg_dump'), ['--schema-only', '--no-owner', '--no-privileges', '-d', libpqUrl(url)], opts);
    case 'mysql': {
      const { args, env, database } = mysqlClientArgs(url);
      return execFileSync('mysqldump', [...args, '--no-data', '--skip-comments', database], { ...opts, env });
    }
    case 'sqlite':
      return execFileSync('sqlite3', [sqlitePath(url), '.schema'], opts);
  }
}

/** The normalised schema of the database at `url`. */
export function dumpSchema(url: string): string {
  return normaliseDump(backendOf(url), rawSchemaDump(url));
}

/** A reference dump, e.g. referenceDump('postgresql-upgrade-head.sql'), normalised the same way. */
export function referenceDump(name: string): string {
  const backend = name.split('-')[0];
  if (backend !== 'postgresql' && backend !== 'mysql' && backend !== 'sqlite') {
    throw new Error(`reference dump names start with the backend: ${name}`);
  }
  return normaliseDump(backend, readFileSync(path.join(REFERENCE_DUMPS_DIR, name), 'utf8'));
}
