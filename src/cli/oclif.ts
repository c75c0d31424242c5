import type * as Oclif from '@oclif/core';
import fs from 'node:fs';
import path from 'node:path';

/** The parts of oclif the CLI uses. */
interface OclifParts {
  execute: typeof Oclif.execute;
  config: Pick<typeof Oclif, 'Config' | 'Plugin'>;
  command: Pick<typeof Oclif, 'Command'>;
  flags: typeof Oclif.Flags;
  args: typeof Oclif.Args;
  help: typeof import('@oclif/core/lib/help');
  ux: typeof import('@oclif/core/lib/ux');
}

/**
 * The bundle the build writes (scripts/bundle-oclif.js), which loads in a third of the time of the
 * same code from node_modules. Without it (running the TypeScript sources with bin/dev.js, or a
 * build by `tsc` alone), oclif's own entry points: package exports, which this tsconfig's module
 * resolution does not read, so each part is required by name.
 */
const BUNDLE = path.join(__dirname, '..', '..', 'vendor', 'oclif-core.js');

function loadOclif(): OclifParts {
  if (fs.existsSync(BUNDLE)) return require(BUNDLE) as OclifParts;
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

/**
 * oclif, from one place for the whole CLI: commands, their base class, help and hooks must share
 * one copy of it, or a command's class would not be the one oclif's runner knows.
 */
export const oclif: OclifParts = loadOclif();

export const { Command } = oclif.command;
export type Command = Oclif.Command;
export const Flags = oclif.flags;
export const Args = oclif.args;
export type { Interfaces } from '@oclif/core';
