import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cli';

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
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: r.stdout + r.stderr };
}
