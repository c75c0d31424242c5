/**
 * The core reports what it does through a Logger it is given and never prints. The CLI decides
 * what reaches the terminal: `info` always, `verbose` with -v, `debug` (every SQL statement) with -d.
 */
export interface Logger {
  debug(message: string): void;
  verbose(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

export const silentLogger: Logger = {
  debug() {},
  verbose() {},
  info() {},
  warning() {},
};
