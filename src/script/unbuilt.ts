import { RevisionError } from '../errors';
import { RevisionChain } from './chain';
import { defaultMigrationsDir } from './load';
import { projectSourceDir } from './new-revision-dir';
import { parentText, RevisionNode } from './revision';
import { readRevisionHeaders } from './source-headers';

/**
 * Stops a compiled tool in a checkout whose `migrations/` holds revisions that its `dist/` lacks (or
 * holds with another parent): written by `revision`, or pulled, since the last build. Running on would
 * silently do less than the developer sees in the sources (`upgrade` stopping at the old head).
 * Running from source (bin/dev.js), or from an installed package, there is nothing to compare.
 */
export function refuseUnbuiltRevisions(compiled: RevisionChain<RevisionNode>): void {
  if (__filename.endsWith('.ts')) return;
  const sourceDir = projectSourceDir();
  if (!sourceDir) return;
  const missing = readRevisionHeaders(sourceDir)
    .filter((h) => {
      const built = compiled.get(h.id);
      return !built || parentText(built) !== parentText(h);
    })
    .map((h) => h.id);
  if (missing.length === 0) return;
  throw new RevisionError(
    `${sourceDir} holds revision(s) that ${defaultMigrationsDir()} lacks (${missing.join(', ')}): build first with 'npm run build'; nothing was changed`,
  );
}
