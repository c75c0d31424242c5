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
    section: 'DEFAULT',
    key: 'debug',
    default: 'false',
    defaultText: 'false',
    meaning: 'log every SQL statement, as --debug (--debug and --no-debug override it)',
  },
  {
    section: 'DEFAULT',
    key: 'log_file',
    default: undefined,
    defaultText: 'none (standard error)',
    meaning: 'file the log lines are appended to, relative to log_dir if that is set; then nothing is logged on standard error (--log-file)',
  },
  {
    section: 'DEFAULT',
    key: 'log_dir',
    default: undefined,
    defaultText: 'none',
    meaning: 'base directory of a relative log_file; without log_file, logs go to $log_dir/watcher-db-manage.log (--log-dir)',
  },
  {
    section: 'DEFAULT',
    key: 'watch_log_file',
    default: 'false',
    defaultText: 'false',
    meaning: 'reopen the log file when it is moved or removed; the tool always checks before each line, so this changes nothing (--watch-log-file)',
  },
  {
    section: 'DEFAULT',
    key: 'log_date_format',
    default: '%Y-%m-%d %H:%M:%S',
    defaultText: '%Y-%m-%d %H:%M:%S',
    meaning: 'strftime format of the time in log lines (%Y %y %m %d %H %I %p %M %S %b %a %z %%) (--log-date-format)',
  },
  {
    section: 'DEFAULT',
    key: 'use_json',
    default: 'false',
    defaultText: 'false',
    meaning: 'write log lines as JSON objects with the keys of oslo.log\'s JSONFormatter, one a line (--use-json)',
  },
  {
    section: 'DEFAULT',
    key: 'use_syslog',
    default: 'false',
    defaultText: 'false',
    meaning: 'also send log lines to the local syslog socket /dev/log, through logger(1) (--use-syslog)',
  },
  {
    section: 'DEFAULT',
    key: 'syslog_log_facility',
    default: 'LOG_USER',
    defaultText: 'LOG_USER',
    meaning: 'syslog facility of those lines, e.g. LOG_LOCAL0 or local0 (--syslog-log-facility)',
  },
  {
    section: 'DEFAULT',
    key: 'use_journal',
    default: 'false',
    defaultText: 'false',
    meaning: 'send log lines to the systemd journal instead of standard error; without journald, a warning and standard error (--use-journal)',
  },
  {
    section: 'DEFAULT',
    key: 'log_config_append',
    default: undefined,
    defaultText: 'none',
    meaning: 'a Python logging configuration file: not supported; set, it is ignored with a warning and the other options apply (--log-config-append)',
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
