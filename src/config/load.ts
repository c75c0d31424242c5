import * as path from 'node:path';
import { ConfigError } from '../errors';
import { ConfigSearch } from './default-files';
import { CONFIG_OPTIONS } from './defaults';
import { listConfigFiles, readConfigFile } from './files';
import { parseIni } from './ini';
import { interpolatedValue } from './interpolate';
import { RawOptions } from './options';

export interface ConfigSources {
  /** --config-file values, read in this order (later wins). */
  configFiles?: string[];
  /** --config-dir values: their `*.conf` files are read after configFiles, sorted by name. */
  configDirs?: string[];
  /** Defaults to process.env; OS_<SECTION>__<KEY> overrides the files. */
  env?: Record<string, string | undefined>;
  /** Resolves relative paths and is the default state_path; defaults to process.cwd(). */
  cwd?: string;
  /**
   * Where to look when configFiles (or configDirs) is empty, as oslo.config does (default-files.ts);
   * without it, only what is named is read. The CLI passes watcherSearch().
   */
  search?: ConfigSearch;
}

export interface DatabaseOptions {
  /** SQLAlchemy-style URL; undefined when not configured (see resolveConnectionUrl). */
  readonly connection: string | undefined;
  /** oslo.db: maximum connection attempts at startup; -1 means retry forever. */
  readonly max_retries: number;
  /** oslo.db: seconds between connection attempts. */
  readonly retry_interval: number;
  /** Ours: seconds a statement may wait for a lock held by someone else (purge, upgrade, downgrade). */
  readonly lock_timeout: number;
  /** Ours: how often a transaction that lost to a lock conflict is run again. */
  readonly lock_retries: number;
}

export interface WatcherConfig {
  readonly database: DatabaseOptions;
  /** [DEFAULT] state_path: where the default SQLite database lives. */
  readonly state_path: string;
  /** The config files that were read, in the order they were read. */
  readonly files: readonly string[];
  /** The interpolated value of any option, or undefined when it is not set. */
  get(section: string, key: string): string | undefined;
  /** Where the value of an option came from (file and line, environment variable, default). */
  origin(section: string, key: string): string | undefined;
}

/** Reads Watcher's configuration the way oslo.config does; see ConfigSources. */
export function loadConfig(sources: ConfigSources = {}): WatcherConfig {
  const cwd = path.resolve(sources.cwd ?? process.cwd());
  const raw = new RawOptions(sources.env ?? process.env);
  // Defaults of oslo.db and ours (CONFIG_OPTIONS, also the man page's); Watcher's state_path defaults
  // to its install dir, ours to the cwd.
  raw.setDefault('DEFAULT', 'state_path', cwd);
  for (const option of CONFIG_OPTIONS) if (option.default !== undefined) raw.setDefault(option.section, option.key, option.default);

  const files = listConfigFiles(sources.configFiles ?? [], sources.configDirs ?? [], cwd, sources.search);
  for (const file of files) raw.addFile(file, parseIni(readConfigFile(file), file));

  const get = (section: string, key: string) => interpolatedValue(section, key, (s, k) => raw.get(s, k));
  const integer = (section: string, key: string, min: number): number => {
    const value = get(section, key) as string; // these options have defaults
    const number = /^\s*[-+]?\d+\s*$/.test(value) ? Number.parseInt(value, 10) : Number.NaN;
    if (!(number >= min) || !Number.isSafeInteger(number)) {
      throw new ConfigError(
        // JSON quoting keeps a multi-line value on one line.
        `Invalid [${section}] ${key} ${JSON.stringify(value)} (${raw.get(section, key)?.origin}): expected an integer of at least ${min}`,
      );
    }
    return number;
  };
  const seconds = (section: string, key: string): number => {
    const value = get(section, key) as string;
    const number = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!(number > 0)) {
      throw new ConfigError(
        `Invalid [${section}] ${key} ${JSON.stringify(value)} (${raw.get(section, key)?.origin}): expected a number of seconds above 0`,
      );
    }
    return number;
  };

  // Read the options we use now, so that a bad value fails at startup, not mid-command.
  const database: DatabaseOptions = {
    connection: get('database', 'connection'),
    max_retries: integer('database', 'max_retries', -1),
    retry_interval: integer('database', 'retry_interval', 0),
    lock_timeout: seconds('database', 'lock_timeout'),
    lock_retries: integer('database', 'lock_retries', 0),
  };
  return {
    database,
    state_path: get('DEFAULT', 'state_path') as string,
    files,
    get,
    origin: (section, key) => raw.get(section, key)?.origin,
  };
}
