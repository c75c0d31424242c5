import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cli';
import { compileProject } from './in-process-tsc';

/** Type-checks files with the project's compiler options (its tsconfig, without emitting). */
export function typecheck(files: string[]): { status: number; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-tsc-'));
  const tsconfig = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({ extends: path.join(REPO_ROOT, 'tsconfig.json'), compilerOptions: {
        noEmit: true,
        rootDir: '/',
        // Type packages are looked up next to this temporary tsconfig, where there are none: name the project's.
        typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
        types: ['node'],
      }, include: [], files }),
  );
  try {
    return compileProject(tsconfig, path.join(dir, '.tsbuildinfo'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
