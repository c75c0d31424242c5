import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';
import { docCommentLines, tsStringLiteral } from './comment-text';
import { parentsOf } from './revision';
import { projectSourceDir } from './new-revision-dir';

export interface NewRevision {
  id: string;
  /** Several for a merge revision. */
  parent: string | readonly string[] | null;
  message: string;
  created: Date;
  /** Statements for the bodies of `up` and `down`, already indented; empty for a blank revision. */
  up?: string[];
  down?: string[];
  /** Extra import lines the bodies need. */
  imports?: string[];
}

/** A new revision id: 12 hex digits, as Alembic makes them. */
export function newRevisionId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The file name for a revision: `<id>_<slug>.ts`, the slug made of the message's letters and digits
 * only, so quotes, slashes or newlines in a message cannot escape the directory or break the name.
 */
export function revisionFileName(id: string, message: string, format: RevisionFormat = 'ts'): string {
  const slug = message
    // é -> e + accent; the accent is dropped, else "ünïcode" would become "u_ni_code".
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/g, '');
  return `${id}_${slug || 'revision'}.${format}`;
}

/**
 * What a new revision file is written in: TypeScript where there are sources to build it with (a
 * checkout, compiled or not) or the tool runs them directly; plain JavaScript from an installed
 * package, which loads compiled revisions only and has no compiler, so that the file written is one
 * the installed tool loads.
 */
export type RevisionFormat = 'ts' | 'js';

export function revisionFormat(): RevisionFormat {
  return __filename.endsWith('.ts') || projectSourceDir() !== undefined ? 'ts' : 'js';
}

/** Where the revision helper lives, as an import path from `dir` (source tree if there is one). */
function revisionModuleImport(dir: string): string {
  const candidates = [
    path.resolve(__dirname, '..', '..', '..', 'src', 'script', 'revision.ts'), // running from dist/ in a checkout
    path.resolve(__dirname, 'revision.ts'), // running from source
    path.resolve(__dirname, 'revision.js'), // installed package
  ];
  const target = candidates.find((c) => fs.existsSync(c)) ?? candidates[2];
  let rel = path.relative(dir, target).replace(/\.(ts|js)$/, '').split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** `null`, `'a'`, or a merge's `['a', 'b']`. */
function parentLiteral(rev: NewRevision): string {
  if (rev.parent === null) return 'null';
  if (typeof rev.parent === 'string') return tsStringLiteral(rev.parent);
  return `[${rev.parent.map(tsStringLiteral).join(', ')}]`;
}

/** An ES import line as the CommonJS require a plain JavaScript revision uses. */
function asRequire(line: string): string {
  return line.replace(/^import\s*\{([^}]*)\}\s*from\s*('[^']*');?$/, 'const {$1} = require($2);');
}

/** The text of a revision file: TypeScript, or plain JavaScript with the same header, ids and bodies. */
export function renderRevision(rev: NewRevision, dir: string, format: RevisionFormat = 'ts'): string {
  const created = rev.created.toISOString().replace('Z', '');
  const body = (lines: string[] | undefined) => (lines && lines.length > 0 ? lines.join('\n') + '\n' : '');
  const js = format === 'js';
  const placeholders = [...new Set([...(rev.up ?? []), ...(rev.down ?? [])].join('\n').match(/\bTODO_FILL_\w+/g) ?? [])];
  const imports = [...(rev.imports ?? []), `import { defineRevision } from '${revisionModuleImport(dir)}';`];
  return [
    // The message and the ids are text, never code: comment lines with `*/` broken, string literals.
    '/**',
    ...docCommentLines(rev.message),
    ' *',
    ...docCommentLines(`Revision ID: ${rev.id}`),
    ...docCommentLines(`Revises: ${parentsOf(rev).join(', ')}`),
    ` * Create Date: ${created}`,
    ' */',
    ...(js ? ["'use strict';", ...imports.map(asRequire)] : imports),
    // TypeScript refuses to compile a placeholder until it is replaced; JavaScript would only fail
    // in the middle of an upgrade: the file refuses to load until then, which the tool reports.
    ...(js && placeholders.length > 0
      ? ['', `throw new Error('fill in ${placeholders.join(', ')} in this revision before it can be used');`]
      : []),
    '',
    js ? 'exports.revision = defineRevision({' : 'export const revision = defineRevision({',
    `  id: ${tsStringLiteral(rev.id)},`,
    `  parent: ${parentLiteral(rev)},`,
    `  message: ${JSON.stringify(rev.message)},`,
    `  created: '${created}',`,
    '',
    '  async up(db) {',
    body(rev.up) + '  },',
    '',
    '  async down(db) {',
    body(rev.down) + '  },',
    '});',
    '',
  ].join('\n');
}

/** Writes the revision into `dir` and returns the file's path; never overwrites a file. */
export function writeRevision(rev: NewRevision, dir: string, format: RevisionFormat = revisionFormat()): string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError(`The migrations directory ${dir} does not exist`);
  const file = path.join(dir, revisionFileName(rev.id, rev.message, format));
  fs.writeFileSync(file, renderRevision(rev, dir, format), { flag: 'wx' });
  return file;
}
