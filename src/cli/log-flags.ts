import { Flags } from './oclif';

/**
 * oslo.log's command-line options, as the reference's --help lists them (the `--no…` forms through
 * allowNo; src/cli/argv.ts maps the reference's spellings such as --logfile and --nouse-syslog).
 * Unset, each falls back to the same key in `[DEFAULT]` (log-settings.ts).
 */
export const logFlags = {
  'log-file': Flags.string({
    description: 'Log file to write log lines to instead of standard error; relative to --log-dir if that is set ([DEFAULT] log_file).',
    helpValue: 'PATH',
    helpGroup: 'GLOBAL',
  }),
  'log-dir': Flags.string({
    description: 'Base directory of a relative --log-file; alone, logs go to <log-dir>/watcher-db-manage.log ([DEFAULT] log_dir).',
    helpValue: 'LOG_DIR',
    helpGroup: 'GLOBAL',
  }),
  'log-config-append': Flags.string({
    description: 'A Python logging configuration file: accepted for compatibility, ignored with a warning; the other logging options apply.',
    helpValue: 'PATH',
    helpGroup: 'GLOBAL',
  }),
  'log-date-format': Flags.string({
    description: 'strftime-style format of the time in log lines, e.g. "%Y-%m-%d %H:%M:%S" (the default; [DEFAULT] log_date_format).',
    helpValue: 'DATE_FORMAT',
    helpGroup: 'GLOBAL',
  }),
  'syslog-log-facility': Flags.string({
    description: 'Syslog facility to receive log lines, e.g. LOG_LOCAL0 or local0 (default LOG_USER; [DEFAULT] syslog_log_facility).',
    helpValue: 'SYSLOG_LOG_FACILITY',
    helpGroup: 'GLOBAL',
  }),
  'use-syslog': Flags.boolean({ allowNo: true, description: 'Also send log lines to the local syslog (/dev/log) ([DEFAULT] use_syslog).', helpGroup: 'GLOBAL' }),
  'use-journal': Flags.boolean({ allowNo: true, description: 'Send log lines to the systemd journal instead of standard error ([DEFAULT] use_journal).', helpGroup: 'GLOBAL' }),
  'use-json': Flags.boolean({ allowNo: true, description: 'Write log lines as JSON objects, one a line ([DEFAULT] use_json).', helpGroup: 'GLOBAL' }),
  'watch-log-file': Flags.boolean({
    allowNo: true,
    description: 'Reopen the log file when it is moved or removed (always done: the log file is checked before every line; [DEFAULT] watch_log_file).',
    helpGroup: 'GLOBAL',
  }),
};
