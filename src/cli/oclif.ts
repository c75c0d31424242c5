import type * as Oclif from '@oclif/core';
import fs from 'node:fs';
import path from 'node:path';
import { OclifParts, oclifFromPackages } from './oclif-parts';

/**
 * The bundle the build writes (scripts/bundle-oclif.js), which loads in a third of the time of the
 * same code from node_modules. Without it (running the TypeScript sources with bin/dev.js, or a
 * build by `tsc` alone), the same parts from the package.
 */
const BUNDLE = path.join(__dirname, '..', '..', 'vendor', 'oclif-core.js');

function loadOclif(): OclifParts {
  return fs.existsSync(BUNDLE) ? (require(BUNDLE) as OclifParts) : oclifFromPackages();
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
