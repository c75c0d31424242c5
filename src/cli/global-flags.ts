/** The parts of an oclif flag that say whether it is a global option. */
interface FlagLike {
  name: string;
  helpGroup?: string;
  hidden?: boolean;
}

/** oclif's --json (enableJsonFlag) is GLOBAL in its help, but it is each command's own output. */
const JSON_FLAG = 'json';

/**
 * The global options, as oclif's cached commands declare them: the GLOBAL flags (BaseCommand's
 * baseFlags) that every one of the tool's own commands takes. The root --help and the man page list
 * them from here, so neither can go stale.
 */
export function globalFlagNames(own: ReadonlyArray<{ flags: Readonly<Record<string, FlagLike>> }>): string[] {
  if (own.length === 0) return [];
  return Object.values(own[0].flags)
    .filter((f) => f.helpGroup === 'GLOBAL' && !f.hidden && f.name !== JSON_FLAG && own.every((c) => c.flags[f.name]))
    .map((f) => f.name);
}
