import fs from 'node:fs';
import path from 'node:path';
import { RevisionError } from '../errors';
import { RevisionChain } from './chain';
import { Revision } from './revision';

/** Where the shipped revisions are: `migrations/` beside `src/` (compiled or not). */
export function defaultMigrationsDir(): string {
  return path.resolve(__dirname, '..', '..', 'migrations');
}

/**
 * Loads every revision file (`<id>_<slug>.js`, or `.ts` when running from source) in a directory.
 * A file must export its revision as `revision`.
 */
export function loadRevisions(given: string = defaultMigrationsDir()): Revision[] {
  // require() reads a relative path as a package name ("dist/migrations/x.js" -> node_modules), so a
  // relative --migrations-dir is taken from the working directory, as a user means it.
  const dir = path.resolve(given);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new RevisionError(`Cannot read the migrations directory ${dir}`);
  }
  const runningFromSource = __filename.endsWith('.ts');
  const wanted = names.filter((n) =>
    /^[0-9a-z]+_.*\.(js|ts)$/i.test(n) && !n.endsWith('.d.ts') && (runningFromSource ? n.endsWith('.ts') : n.endsWith('.js')),
  );
  return wanted.sort().map((name) => {
    const mod = require(path.join(dir, name)) as { revision?: Revision };
    if (!mod.revision || typeof mod.revision.id !== 'string') {
      throw new RevisionError(`Revision file ${name} does not export a revision`);
    }
    return mod.revision;
  });
}

export function loadChain(dir?: string): RevisionChain {
  return new RevisionChain(loadRevisions(dir));
}
