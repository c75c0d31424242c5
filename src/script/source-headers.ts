import fs from 'node:fs';
import path from 'node:path';
import { RevisionError } from '../errors';
import { RevisionNode } from './revision';

/** A revision file's header, read from its text: the file need not be compiled, nor loadable. */
export interface RevisionHeader extends RevisionNode {
  file: string;
}

/** The names of revision files in a directory: `<id>_<slug>.ts` or `.js` (not `.d.ts`). */
export function revisionFileNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => /^[0-9a-z]+_.*\.(js|ts)$/i.test(n) && !n.endsWith('.d.ts'))
    .sort();
}

/**
 * The headers of every revision file in `dir`, from their text (`id: '...'` and `parent: ...` in the
 * object the file exports, as `revision` writes them). A `.ts` and a `.js` of one name (compiled in
 * place) count once. Used where compiling first would be wrong: `revision` must see the revision
 * written a minute ago, and a compiled tool must notice sources it lacks.
 */
export function readRevisionHeaders(dir: string): RevisionHeader[] {
  const seen = new Set<string>();
  const headers: RevisionHeader[] = [];
  for (const name of revisionFileNames(dir)) {
    const stem = name.replace(/\.(js|ts)$/, '');
    if (seen.has(stem)) continue;
    seen.add(stem);
    headers.push(parseHeader(path.join(dir, name)));
  }
  return headers;
}

/** A quoted string as TypeScript/JavaScript writes one: '...' or "...", escapes allowed. */
const STRING = String.raw`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"`;
const ID = new RegExp(String.raw`(?:^|[\s{,])id\s*:\s*(${STRING})`, 'm');
const PARENT = new RegExp(String.raw`(?:^|[\s{,])parent\s*:\s*(null|${STRING}|\[\s*(?:(?:${STRING})\s*,?\s*)*\])`, 'm');

function parseHeader(file: string): RevisionHeader {
  const whole = fs.readFileSync(file, 'utf8');
  // From the exported object on: the doc comment above it holds the message, which may say anything.
  const start = whole.search(/defineRevision\s*\(|exports\.revision\s*=|export\s+const\s+revision\b/);
  const text = start < 0 ? whole : whole.slice(start);
  const id = ID.exec(text);
  const parent = PARENT.exec(text);
  if (!id || !parent) {
    throw new RevisionError(`Cannot read the revision id and parent of ${path.basename(file)} (expected "id: '...'" and "parent: ..." as revision writes them)`);
  }
  return { id: unquote(id[1]), parent: parseParent(parent[1]), file };
}

function parseParent(text: string): string | string[] | null {
  if (text === 'null') return null;
  if (!text.startsWith('[')) return unquote(text);
  return [...text.matchAll(new RegExp(STRING, 'g'))].map((m) => unquote(m[0]));
}

/** The value of a quoted string literal (JSON's escapes, which are the ones `revision` writes). */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  const json = literal.startsWith("'") ? body.replace(/\\'/g, "'").replace(/"/g, '\\"') : body;
  return JSON.parse(`"${json}"`) as string;
}
