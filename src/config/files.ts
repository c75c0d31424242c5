import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { ConfigSearch, defaultConfigDirs, defaultConfigFiles } from './default-files';

/**
 * The config files to read, in the order oslo.config reads them: every --config-file in the
 * order given, then for each --config-dir its `*.conf` files sorted by path. Later files win.
 * Paths are made absolute (with `~` expanded) like oslo.config's _fixpath, so that messages
 * name the file unambiguously.
 */
export function listConfigFiles(configFiles: string[], configDirs: string[], cwd: string, search?: ConfigSearch): string[] {
  // As oslo.config: without --config-file the default files are read, and without --config-dir the
  // default directories that exist (a missing one is no error, unlike a --config-dir given).
  const files = configFiles.length > 0 || !search ? configFiles.map((file) => absolute(file, cwd)) : defaultConfigFiles(search);
  const dirs = configDirs.length > 0 || !search ? configDirs.map((d) => absolute(d, cwd)) : defaultConfigDirs(search);
  for (const dir of dirs) {
    files.push(...confFilesIn(dir));
  }
  return files;
}

/** Reads one config file; any reason it cannot be read becomes a one-line ConfigError. */
export function readConfigFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${describeFsError(err, 'Config file')}: ${file}`);
  }
}

function confFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw new ConfigError(`${describeFsError(err, 'Config directory')}: ${dir}`);
  }
  // Like Python's glob('*.conf'): names starting with '.' are not matched.
  return names
    .filter((name) => name.endsWith('.conf') && !name.startsWith('.'))
    .map((name) => path.join(dir, name))
    .sort();
}

function absolute(p: string, cwd: string): string {
  const expanded = p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
  return path.resolve(cwd, expanded);
}

function describeFsError(err: unknown, what: string): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `${what} not found`;
    case 'EACCES':
    case 'EPERM':
      return `${what} is not readable (permission denied)`;
    case 'EISDIR':
      return `${what} is a directory, not a file`;
    case 'ENOTDIR':
      return what === 'Config directory' ? `${what} is not a directory` : `${what} not found`;
    default:
      return `${what} cannot be read (${(err as Error).message.split('\n')[0]})`;
  }
}
