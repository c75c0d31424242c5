import type * as Oclif from '@oclif/core';

// The parts of oclif the commands use, from oclif's own entry points (package exports, which this
// tsconfig's module resolution does not read). Loading the package index would also load its help,
// ux and plugin code on every run: ~18 ms of start-up for nothing.
export const { Command } = require('@oclif/core/command') as Pick<typeof Oclif, 'Command'>;
export type Command = Oclif.Command;
export const Flags = require('@oclif/core/flags') as typeof Oclif.Flags;
export const Args = require('@oclif/core/args') as typeof Oclif.Args;
export type { Interfaces } from '@oclif/core';
