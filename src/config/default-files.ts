import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where oslo.config looks for configuration when the command line names none: Watcher's services and
 * the Python watcher-db-manage read /etc/watcher/watcher.conf (and the rest of this list) with no
 * --config-file at all, so a drop-in must too, or `upgrade` would silently run on the SQLite default.
 */
export interface ConfigSearch {
  /** oslo.config's project: Watcher's is 'watcher'. */
  project: string;
  /** The program's name, as oslo.config takes it from argv[0]: 'watcher-db-manage'. */
  prog: string;
  /** The directories searched, most important first (see searchDirs). */
  dirs: readonly string[];
}

/** oslo.config's _get_config_dirs: ~/.watcher, ~, /etc/watcher, /etc, then the snap's. */
export function searchDirs(project: string, home: string, env: Record<string, string | undefined>): string[] {
  const dirs = [path.join(home, `.${project}`), home, path.join('/etc', project), '/etc'];
  if (env.SNAP_COMMON) dirs.push(path.join(env.SNAP_COMMON, 'etc', project));
  if (env.SNAP) dirs.push(path.join(env.SNAP, 'etc', project));
  return dirs;
}

/** The search of the installed tool: project 'watcher', prog 'watcher-db-manage'. */
export function watcherSearch(env: Record<string, string | undefined>, home: string = os.homedir()): ConfigSearch {
  return { project: 'watcher', prog: 'watcher-db-manage', dirs: searchDirs('watcher', home, env) };
}

/**
 * find_config_files: for `watcher.conf`, then `watcher-db-manage.conf`, the first directory that has
 * it; so at most two files, the program's read last (it wins).
 */
export function defaultConfigFiles(search: ConfigSearch): string[] {
  return firstOfEach(search, '.conf');
}

/** find_config_dirs: the same for `watcher.conf.d` and `watcher-db-manage.conf.d`. */
export function defaultConfigDirs(search: ConfigSearch): string[] {
  return firstOfEach(search, '.conf.d');
}

function firstOfEach(search: ConfigSearch, extension: string): string[] {
  const found: string[] = [];
  for (const base of [search.project, search.prog]) {
    const hit = search.dirs.map((dir) => path.join(dir, base + extension)).find((p) => fs.existsSync(p));
    if (hit) found.push(hit);
  }
  return found;
}
