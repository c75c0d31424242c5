import type * as Oclif from '@oclif/core';

/** The parts of oclif the CLI uses. */
export interface OclifParts {
  execute: typeof Oclif.execute;
  config: Pick<typeof Oclif, 'Config' | 'Plugin'>;
  command: Pick<typeof Oclif, 'Command'>;
  flags: typeof Oclif.Flags;
  args: typeof Oclif.Args;
  help: typeof import('@oclif/core/lib/help');
  ux: typeof import('@oclif/core/lib/ux');
}

/**
 * Those parts from @oclif/core's own entry points (package exports, which this tsconfig's module
 * resolution does not read, so each is required by name), each loaded when first used. The build
 * bundles this function's result into dist/vendor/oclif-core.js (scripts/bundle-oclif.js).
 */
export function oclifFromPackages(): OclifParts {
  const part = <T>(load: () => T) => ({ enumerable: true, get: load });
  return Object.defineProperties({} as OclifParts, {
    execute: part(() => require('@oclif/core/execute').execute),
    config: part(() => require('@oclif/core/config')),
    command: part(() => require('@oclif/core/command')),
    flags: part(() => require('@oclif/core/flags')),
    args: part(() => require('@oclif/core/args')),
    help: part(() => require('@oclif/core/help')),
    ux: part(() => require('@oclif/core/ux')),
  });
}
