import * as fs from 'node:fs';
import { ConfigError } from '../errors';
import { LogRecord, jsonLine, textLine } from './log-format';
import { LogSettings } from './log-settings';

/** Somewhere log lines go besides standard error. */
export interface LogDestination {
  write(record: LogRecord): void;
  /** Waits until what was written has left the process. */
  close(): Promise<void>;
}

/** The sockets of the local syslog and of journald; the environment variables exist for the tests. */
export function syslogSocket(): string {
  return process.env.WATCHER_DB_MANAGE_TEST_SYSLOG_SOCKET ?? '/dev/log';
}
export function journalSocket(): string {
  return process.env.WATCHER_DB_MANAGE_TEST_JOURNAL_SOCKET ?? '/run/systemd/journal/stdout';
}

export interface OpenedDestinations {
  destinations: LogDestination[];
  /** oslo.log writes to the terminal only when there is no log file and no journal (use_stderr is off). */
  stderr: boolean;
  /** With use_json, oslo.log's stream gets JSON too (container log collectors parse it); else our short lines. */
  stderrFormat?: (record: LogRecord) => string;
}

/**
 * The destinations oslo.log would set up for these settings (its _setup_logging_from_conf). `warn`
 * reaches standard error: what cannot be set up is said where the operator sees it.
 */
export function openDestinations(settings: LogSettings, warn: (message: string) => void): OpenedDestinations {
  const format = (record: LogRecord) => (settings.json ? jsonLine(record, settings.dateFormat) : textLine(record, settings.dateFormat));
  const destinations: LogDestination[] = [];
  if (settings.file) destinations.push(new FileDestination(settings.file, format));
  let journal = false;
  if (settings.journal) {
    if (fs.existsSync(journalSocket())) {
      const { JournalDestination } = require('./journal-destination') as typeof import('./journal-destination');
      destinations.push(new JournalDestination(journalSocket(), format, warn));
      journal = true;
    } else {
      warn(`use_journal: there is no journald socket at ${journalSocket()}; log lines go to ${settings.file ? 'the log file only' : 'standard error'}`);
    }
  }
  if (settings.syslogFacility !== undefined) {
    if (fs.existsSync(syslogSocket())) {
      const { SyslogDestination } = require('./syslog-destination') as typeof import('./syslog-destination');
      destinations.push(new SyslogDestination(syslogSocket(), settings.syslogFacility, format, warn));
    } else {
      warn(`use_syslog: there is no syslog socket at ${syslogSocket()}; log lines are not sent to syslog`);
    }
  }
  return { destinations, stderr: !settings.file && !journal, stderrFormat: settings.json ? format : undefined };
}

/**
 * Appends each line with a synchronous write, so nothing is lost however the process ends, and, like
 * Python's WatchedFileHandler (oslo.log's file handler with and without watch_log_file), reopens the
 * path when the file was moved or removed since (logrotate).
 */
class FileDestination implements LogDestination {
  private fd: number;
  private identity: { dev: number; ino: number };

  constructor(
    private readonly file: string,
    private readonly format: (record: LogRecord) => string,
  ) {
    this.fd = this.open();
    this.identity = fs.fstatSync(this.fd);
  }

  write(record: LogRecord): void {
    this.reopenIfMoved();
    fs.writeSync(this.fd, this.format(record) + '\n');
  }

  async close(): Promise<void> {
    fs.closeSync(this.fd);
  }

  private reopenIfMoved(): void {
    let current: fs.Stats | undefined;
    try {
      current = fs.statSync(this.file);
    } catch {
      current = undefined;
    }
    if (current && current.dev === this.identity.dev && current.ino === this.identity.ino) return;
    fs.closeSync(this.fd);
    this.fd = this.open();
    this.identity = fs.fstatSync(this.fd);
  }

  private open(): number {
    try {
      return fs.openSync(this.file, 'a', 0o644);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new ConfigError(`Cannot write the log file ${this.file}: ${why}`);
    }
  }
}
