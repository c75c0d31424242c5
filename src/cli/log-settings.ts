import * as path from 'node:path';
import type { WatcherConfig } from '../config';
import { ConfigError } from '../errors';

/** Where and how log lines go, decided once from the logging flags over `[DEFAULT]`. */
export interface LogSettings {
  debug: boolean;
  /** The log file (oslo.log: log_file, relative to log_dir, or <log_dir>/watcher-db-manage.log). */
  file?: string;
  /** Syslog facility code (LOG_USER is 1) when use_syslog is set. */
  syslogFacility?: number;
  journal: boolean;
  json: boolean;
  /** strftime-style format of asctime (oslo.log's default is "%Y-%m-%d %H:%M:%S"). */
  dateFormat: string;
  /** log_config_append, which we cannot honour (a Python logging configuration file). */
  ignoredConfigAppend?: string;
}

/** The flags of log-flags.ts (plus --debug), as oclif parsed them: undefined when not given. */
export interface LogFlagValues {
  debug?: boolean;
  'log-file'?: string;
  'log-dir'?: string;
  'log-config-append'?: string;
  'log-date-format'?: string;
  'syslog-log-facility'?: string;
  'use-syslog'?: boolean;
  'use-journal'?: boolean;
  'use-json'?: boolean;
  'watch-log-file'?: boolean;
}

/** oslo.log names its default log file after the program (_get_binary_name). */
export const DEFAULT_LOG_NAME = 'watcher-db-manage.log';

/** syslog(3) facility codes, by the names oslo.log accepts (_find_facility). */
const FACILITIES: Record<string, number> = {
  LOG_KERN: 0, LOG_USER: 1, LOG_MAIL: 2, LOG_DAEMON: 3, LOG_AUTH: 4, LOG_SYSLOG: 5, LOG_LPR: 6, LOG_NEWS: 7,
  LOG_UUCP: 8, LOG_CRON: 9, LOG_AUTHPRIV: 10, LOG_FTP: 11,
  LOG_LOCAL0: 16, LOG_LOCAL1: 17, LOG_LOCAL2: 18, LOG_LOCAL3: 19, LOG_LOCAL4: 20, LOG_LOCAL5: 21, LOG_LOCAL6: 22, LOG_LOCAL7: 23,
};

/** Flags win over the configuration files, as in oslo.config. */
export function resolveLogSettings(flags: LogFlagValues, config: WatcherConfig): LogSettings {
  const text = (flag: keyof LogFlagValues, key: string): string | undefined => {
    const value = flags[flag] ?? config.get('DEFAULT', key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const bool = (flag: keyof LogFlagValues, key: string): boolean => {
    if (typeof flags[flag] === 'boolean') return flags[flag] as boolean;
    return configBoolean(config, key);
  };
  const dir = text('log-dir', 'log_dir');
  const file = text('log-file', 'log_file');
  const useSyslog = bool('use-syslog', 'use_syslog');
  bool('watch-log-file', 'watch_log_file'); // checked, though the file is always watched (log-destinations.ts)
  const facilityName = text('syslog-log-facility', 'syslog_log_facility') ?? 'LOG_USER';
  return {
    debug: bool('debug', 'debug'),
    file: logFilePath(file, dir),
    syslogFacility: useSyslog ? facilityCode(facilityName) : undefined,
    journal: bool('use-journal', 'use_journal'),
    json: bool('use-json', 'use_json'),
    dateFormat: text('log-date-format', 'log_date_format') ?? '%Y-%m-%d %H:%M:%S',
    ignoredConfigAppend: text('log-config-append', 'log_config_append'),
  };
}

/** oslo.log's _get_log_file_path: log_file, joined to log_dir when both are set. */
function logFilePath(file: string | undefined, dir: string | undefined): string | undefined {
  if (file && dir) return path.resolve(dir, file);
  if (file) return path.resolve(file);
  if (dir) return path.resolve(dir, DEFAULT_LOG_NAME);
  return undefined;
}

/** `LOG_LOCAL0`, `local0` and `Log_Local0` alike, as oslo.log reads them. */
export function facilityCode(name: string): number {
  let upper = name.toUpperCase();
  if (!upper.startsWith('LOG_')) upper = `LOG_${upper}`;
  const code = FACILITIES[upper];
  if (code === undefined) {
    throw new ConfigError(`Invalid syslog facility ${JSON.stringify(name)}: expected one of ${Object.keys(FACILITIES).join(', ')}`);
  }
  return code;
}

/** oslo.config's booleans: true/false, yes/no, on/off, 1/0, any case. */
function configBoolean(config: WatcherConfig, key: string): boolean {
  const value = config.get('DEFAULT', key);
  if (value === undefined || value.trim() === '') return false;
  const normal = value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(normal)) return true;
  if (['false', 'no', 'off', '0'].includes(normal)) return false;
  throw new ConfigError(`Invalid [DEFAULT] ${key} ${JSON.stringify(value)} (${config.origin('DEFAULT', key)}): expected true or false`);
}
