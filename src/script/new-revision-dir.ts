import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';

/**
 * Where `revision` writes a new file when no --migrations-dir is given: the source `migrations/` of
 * the project checkout the tool runs from, whether compiled (bin/run.js, from dist/) or not
 * (bin/dev.js). Compiled, the shipped revisions are read from dist/migrations, which the next build
 * deletes and writes again from the sources: a file written there would be lost, and the build would
 * not know it. An installed package has no sources to write into (package.json ships dist/ only).
 */
export function newRevisionDir(explicit?: string): string {
  if (explicit !== undefined) return explicit;
  const source = projectSourceDir();
  if (source) return source;
  throw new UserError(
    'This installation has no source tree to write the revision into (it runs from an installed package): pass --migrations-dir DIR',
  );
}

/** `<checkout>/migrations` when this file runs from a checkout (src/script or dist/src/script), else undefined. */
export function projectSourceDir(): string | undefined {
  const roots = [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..')];
  for (const root of roots) {
    const dir = path.join(root, 'migrations');
    const isCheckout = fs.existsSync(path.join(root, 'tsconfig.json')) && fs.existsSync(path.join(root, 'src', 'script', 'load.ts'));
    if (isCheckout && fs.existsSync(dir)) return dir;
  }
  return undefined;
}
