import * as os from 'node:os';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** One log line before formatting; `message` is already scrubbed of secrets. */
export interface LogRecord {
  level: LogLevel;
  message: string;
  time: Date;
}

/** Python's logging level numbers, which oslo.log's JSON carries as levelno. */
const LEVEL_NUMBERS: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/** syslog(3) severities, as oslo.log's SYSLOG_MAP. */
export const SYSLOG_SEVERITIES: Record<LogLevel, number> = { DEBUG: 7, INFO: 6, WARNING: 4, ERROR: 3 };

/** The logger name in our lines; the reference names its Python module (e.g. alembic.runtime.migration). */
export const LOGGER_NAME = 'watcher-db-manage';

const started = Date.now();

/** A priority prefix on every physical line, so a multi-line message stays one priority. */
export function withPriority(priority: number, text: string): string {
  return text
    .split('\n')
    .map((line) => `<${priority}>${line}\n`)
    .join('');
}

export function priorityOf(record: LogRecord, facility: number): number {
  return facility * 8 + SYSLOG_SEVERITIES[record.level];
}


/**
 * oslo.log's logging_default_format_string, for lines logged outside a request context:
 * `%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [-] %(message)s`.
 */
export function textLine(record: LogRecord, dateFormat: string): string {
  const msecs = String(record.time.getMilliseconds()).padStart(3, '0');
  return `${strftime(record.time, dateFormat)}.${msecs} ${process.pid} ${record.level} ${LOGGER_NAME} [-] ${record.message}`;
}

/** The keys of oslo.log's JSONFormatter that mean something here, in its order. */
export function jsonLine(record: LogRecord, dateFormat: string): string {
  return JSON.stringify({
    message: record.message,
    asctime: strftime(record.time, dateFormat),
    name: LOGGER_NAME,
    msg: record.message,
    args: [],
    levelname: record.level,
    levelno: LEVEL_NUMBERS[record.level],
    created: record.time.getTime() / 1000,
    msecs: record.time.getMilliseconds(),
    relative_created: record.time.getTime() - started,
    process_name: 'MainProcess',
    process: process.pid,
    traceback: null,
    hostname: os.hostname(),
    error_summary: '',
    context: {},
    extra: {},
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The common strftime directives, in local time as Python's logging uses; anything else is kept
 * as written.
 */
export function strftime(time: Date, format: string): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = -time.getTimezoneOffset();
  const directives: Record<string, () => string> = {
    Y: () => String(time.getFullYear()),
    y: () => two(time.getFullYear() % 100),
    m: () => two(time.getMonth() + 1),
    d: () => two(time.getDate()),
    H: () => two(time.getHours()),
    I: () => two(time.getHours() % 12 || 12),
    p: () => (time.getHours() < 12 ? 'AM' : 'PM'),
    M: () => two(time.getMinutes()),
    S: () => two(time.getSeconds()),
    b: () => MONTHS[time.getMonth()],
    a: () => DAYS[time.getDay()],
    z: () => `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`,
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (whole, letter: string) => (directives[letter] ? directives[letter]() : whole));
}
