import { redactSecrets } from '../connection/redact';
import { Logger } from '../log';
import type { LogDestination } from './log-destinations';
import type { LogLevel, LogRecord } from './log-format';

export interface StderrLoggerOptions {
  verbose: boolean;
  debug: boolean;
  write?: (line: string) => void;
}

/**
 * The CLI's logger: info and warnings always, verbose lines with -v, SQL with -d. Every line is
 * scrubbed of the secrets registered so far, whatever part of the tool produced it, before it goes
 * to standard error or to the destinations the logging options chose (log-destinations.ts).
 */
export class StderrLogger implements Logger {
  private readonly secrets: string[] = [];
  private readonly write: (line: string) => void;
  private destinations: LogDestination[] = [];
  private toStderr = true;
  private stderrFormat?: (record: LogRecord) => string;

  constructor(private readonly options: StderrLoggerOptions) {
    this.write = options.write ?? ((line) => process.stderr.write(line + '\n'));
  }

  /** Where lines go from now on; debug is the resolved --debug / [DEFAULT] debug. */
  route(route: { destinations: LogDestination[]; stderr: boolean; stderrFormat?: (record: LogRecord) => string; debug: boolean }): void {
    this.destinations = route.destinations;
    this.toStderr = route.stderr;
    this.stderrFormat = route.stderrFormat;
    this.options.debug = route.debug;
  }

  /** Waits until every destination has what was written. */
  async close(): Promise<void> {
    const destinations = this.destinations;
    this.destinations = [];
    await Promise.all(destinations.map((d) => d.close()));
  }

  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.push(secret);
  }

  scrub(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  debug(message: string): void {
    if (this.options.debug) this.emit('DEBUG', 'DEBUG ', message);
  }

  verbose(message: string): void {
    if (this.options.verbose || this.options.debug) this.emit('INFO', '', message);
  }

  info(message: string): void {
    this.emit('INFO', 'INFO  ', message);
  }

  warning(message: string): void {
    this.emit('WARNING', 'WARNING ', message);
  }

  /** The command's own error, which the CLI prints on standard error itself: for the log destinations only. */
  errorToDestinations(message: string): void {
    const scrubbed = this.scrub(message);
    for (const destination of this.destinations) destination.write({ level: 'ERROR', message: scrubbed, time: new Date() });
  }

  private emit(level: LogLevel, stderrPrefix: string, message: string): void {
    const scrubbed = this.scrub(message);
    const record: LogRecord = { level, message: scrubbed, time: new Date() };
    if (this.toStderr) this.write(this.stderrFormat ? this.stderrFormat(record) : stderrPrefix + scrubbed);
    for (const destination of this.destinations) destination.write(record);
  }
}
