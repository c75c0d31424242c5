import { EXIT } from './exit-status';

/**
 * Errors the tool expects and explains. The CLI prints `message` as one line and exits with
 * `exitCode`; anything that is not a UserError is a bug and shows a stack trace only with --debug.
 */
export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.ERROR) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/**
 * A command line the tool cannot act on (a missing or malformed argument, options that exclude each
 * other): exit 2 as oclif's own parse errors, so a script can tell its own mistake from a failure.
 */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/** A configuration file, directory or option that cannot be used. */
export class ConfigError extends UserError {}

/** A connection URL that cannot be parsed or names an unsupported backend. */
export class UrlError extends UserError {}

/** The database could not be reached or refused us. */
export class ConnectionError extends UserError {}

/** The server or its disk failed under us (out of space): the operator's to fix, not a bug of the tool. */
export class EnvironmentError extends UserError {}

/** The database is not in a state the requested command can work from. */
export class DatabaseStateError extends UserError {}

/** A revision argument that does not name exactly one revision. */
export class RevisionError extends UserError {}
