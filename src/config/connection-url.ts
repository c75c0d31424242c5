import * as path from 'node:path';
import { ConfigError } from '../errors';
import type { WatcherConfig } from './load';

/**
 * The database URL to use: [database] connection if set, else Watcher's default, a SQLite file
 * `watcher.sqlite` in state_path (`sqlite:////abs/dir/watcher.sqlite` for an absolute state_path).
 */
export function resolveConnectionUrl(config: WatcherConfig): string {
  const connection = config.database.connection;
  if (connection === undefined) return `sqlite:///${path.join(config.state_path, 'watcher.sqlite')}`;
  // oslo.db refuses an empty connection too; silently falling back to SQLite would hide a
  // broken deployment config (e.g. an empty OS_DATABASE__CONNECTION) behind a fresh empty database.
  if (connection.trim() === '') {
    throw new ConfigError(
      `[database] connection is empty (${config.origin('database', 'connection')}); ` +
        'give a database URL, or remove it to use the SQLite default',
    );
  }
  return connection;
}
