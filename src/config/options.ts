import type { IniAssignment } from './ini';

/** A value before interpolation, and where it came from (for error messages). */
export interface RawValue {
  value: string;
  /** e.g. `/etc/watcher/watcher.conf line 12` or `environment variable OS_DATABASE__CONNECTION` */
  origin: string;
  /** Built-in defaults are taken literally: the cwd default of state_path may contain a `$`. */
  literal?: boolean;
}

type Env = Record<string, string | undefined>;

/** oslo.config lower-cases group names, except DEFAULT (cfg._normalize_group_name). */
export function normalizeSection(section: string): string {
  return section === 'DEFAULT' ? section : section.toLowerCase();
}

/** oslo.config's environment source: OS_<GROUP>__<OPTION>, upper-cased. */
export function envVarName(section: string, key: string): string {
  return `OS_${normalizeSection(section).toUpperCase()}__${key.toUpperCase()}`;
}

/**
 * Raw option values in oslo.config's order of precedence: environment over config files
 * (a later file or a later line over an earlier one) over built-in defaults.
 */
export class RawOptions {
  private readonly fromFiles = new Map<string, RawValue>();
  private readonly defaults = new Map<string, RawValue>();

  constructor(private readonly env: Env) {}

  setDefault(section: string, key: string, value: string): void {
    this.defaults.set(slot(section, key), { value, origin: 'built-in default', literal: true });
  }

  addFile(file: string, assignments: IniAssignment[]): void {
    for (const a of assignments) {
      this.fromFiles.set(slot(a.section, a.key), { value: a.value, origin: `${file} line ${a.line}` });
    }
  }

  get(section: string, key: string): RawValue | undefined {
    const name = envVarName(section, key);
    const fromEnv = this.env[name];
    if (fromEnv !== undefined) return { value: fromEnv, origin: `environment variable ${name}` };
    return this.fromFiles.get(slot(section, key)) ?? this.defaults.get(slot(section, key));
  }
}

function slot(section: string, key: string): string {
  return `${normalizeSection(section)}\0${key}`;
}
