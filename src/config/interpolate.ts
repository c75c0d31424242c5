import { REDACTED, secretsInUrl } from '../connection/redact';
import { ConfigError } from '../errors';
import { normalizeSection, type RawValue } from './options';

export type Lookup = (section: string, key: string) => RawValue | undefined;

/**
 * oslo.config's string.Template: `$$` is a literal `$`; `$name` and `${name}` with
 * name matching [_a-z][._a-z0-9]* (case-insensitive) are substituted; any other `$` is left
 * as it is (safe_substitute), so a password like `pa$5` survives.
 */
const PLACEHOLDER = /\$(?:(\$)|([_a-z][._a-z0-9]*)|\{([_a-z][._a-z0-9]*)\})/gi;

/** The value of `[section] key` with every `$name` replaced, or undefined if it is not set. */
export function interpolatedValue(section: string, key: string, lookup: Lookup): string | undefined {
  const raw = lookup(section, key);
  return raw && expand(raw, section, lookup, [label(section, key)]);
}

function expand(raw: RawValue, section: string, lookup: Lookup, chain: string[]): string {
  if (raw.literal) return raw.value;
  // oslo.config treats `\$` like `$$`.
  const text = raw.value.replace(/\\\$/g, () => '$$');
  return text.replace(PLACEHOLDER, (match: string, dollar?: string, named?: string, braced?: string) => {
    if (dollar) return '$';
    const name = (named ?? braced) as string;
    const found = find(name, section, lookup);
    if (!found) {
      // `$name.sqlite` reads as option `sqlite` of group `name`, as in oslo.config.
      const hint = name.includes('.') ? "use ${...} to end a name before a '.', " : '';
      // A '$' in a URL's password (`pa$word`) is read as a name too; that name is part of the password.
      const shown = secretsInUrl(text).some((secret) => secret.includes(match)) ? REDACTED : name;
      throw new ConfigError(
        `Undefined name $${shown} in ${chain[chain.length - 1]} (${raw.origin}); ${hint}write $$ for a literal $`,
      );
    }
    const target = label(found.section, found.key);
    if (chain.includes(target)) {
      throw new ConfigError(`Config value refers to itself: ${[...chain, target].join(' -> ')} (${raw.origin})`);
    }
    return expand(found.raw, found.section, lookup, [...chain, target]);
  });
}

/**
 * Like oslo.config's StrSubWrapper: `group.option` names an option of another group; a plain
 * name is looked up in the value's own section, then in [DEFAULT].
 */
function find(name: string, section: string, lookup: Lookup) {
  const candidates: Array<[string, string]> = [];
  const dot = name.indexOf('.');
  if (dot > 0) candidates.push([name.slice(0, dot), name.slice(dot + 1)]);
  candidates.push([section, name], ['DEFAULT', name]);
  for (const [s, k] of candidates) {
    const raw = lookup(s, k);
    if (raw) return { section: s, key: k, raw };
  }
  return undefined;
}

function label(section: string, key: string): string {
  return `[${normalizeSection(section)}] ${key}`;
}
