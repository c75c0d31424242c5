import { DEFAULT_LOCK_POLICY } from '../connection/lock-policy';

/** An option the tool reads, its built-in default and what it means. */
export interface ConfigOptionDoc {
  section: 'DEFAULT' | 'database';
  key: string;
  /** The built-in default as text; undefined when it is computed at run time (see defaultText). */
  default: string | undefined;
  /** How the default reads in documentation. */
  defaultText: string;
  meaning: string;
}

/**
 * Every option the tool reads, in one table: loadConfig sets its defaults from it and the man page's
 * CONFIGURATION section is written from it, so the documented defaults are the ones in force.
 */
export const CONFIG_OPTIONS: readonly ConfigOptionDoc[] = [
  {
    section: 'DEFAULT',
    key: 'state_path',
    default: undefined,
    defaultText: 'the current directory',
    meaning: 'where the default SQLite database, watcher.sqlite, lives when no connection is set',
  },
  {
    section: 'database',
    key: 'connection',
    default: undefined,
    defaultText: 'sqlite:///$state_path/watcher.sqlite',
    meaning: 'the database URL, in SQLAlchemy form',
  },
  {
    section: 'database',
    key: 'max_retries',
    default: '10',
    defaultText: '10',
    meaning: 'connection attempts at start-up after the first while the server cannot be reached (-1: for ever, 0: try once)',
  },
  {
    section: 'database',
    key: 'retry_interval',
    default: '10',
    defaultText: '10',
    meaning: 'seconds between those attempts',
  },
  {
    section: 'database',
    key: 'lock_timeout',
    default: String(DEFAULT_LOCK_POLICY.timeoutSeconds),
    defaultText: String(DEFAULT_LOCK_POLICY.timeoutSeconds),
    meaning: 'seconds a statement of upgrade, downgrade or purge may wait for a lock others hold (--lock-timeout overrides it)',
  },
  {
    section: 'database',
    key: 'lock_retries',
    default: String(DEFAULT_LOCK_POLICY.retries),
    defaultText: String(DEFAULT_LOCK_POLICY.retries),
    meaning: 'how often what lost to such a lock is tried again (--lock-retries overrides it)',
  },
];
