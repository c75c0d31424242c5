import path from 'node:path';
import { RevisionError } from '../errors';
import { RevisionChain } from './chain';
import { Revision } from './revision';
import { revisionFileNames } from './source-headers';

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
  let candidates: string[];
  try {
    candidates = revisionFileNames(dir);
  } catch {
    throw new RevisionError(`Cannot read the migrations directory ${dir}`);
  }
  const runningFromSource = __filename.endsWith('.ts');
  const wanted = candidates.filter((n) => (runningFromSource ? n.endsWith('.ts') : n.endsWith('.js')));
  if (!runningFromSource) {
    // A TypeScript revision without its compiled twin: this tool cannot load it, and running the
    // chain without it would silently do less than the directory says.
    const loaded = new Set(wanted.map((n) => n.replace(/\.js$/, '')));
    const unloadable = candidates.filter((n) => n.endsWith('.ts') && !loaded.has(n.replace(/\.ts$/, '')));
    if (unloadable.length > 0) {
      throw new RevisionError(
        `Cannot load ${unloadable.join(', ')} in ${dir}: this tool runs compiled and loads JavaScript revisions only; compile ${unloadable.length > 1 ? 'them' : 'it'} (npm run build in a checkout) or rewrite ${unloadable.length > 1 ? 'them' : 'it'} as .js`,
      );
    }
  }
  return wanted.sort().map((name) => {
    let mod: { revision?: Revision };
    try {
      mod = require(path.join(dir, name)) as { revision?: Revision };
    } catch (error) {
      throw new RevisionError(`Cannot load revision file ${name} in ${dir}: ${firstLine((error as Error).message)}`);
    }
    if (!mod.revision || typeof mod.revision.id !== 'string') {
      throw new RevisionError(`Revision file ${name} does not export a revision`);
    }
    return mod.revision;
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

export function loadChain(dir?: string): RevisionChain {
  return new RevisionChain(loadRevisions(dir));
}
