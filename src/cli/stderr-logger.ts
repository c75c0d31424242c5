import { redactSecrets } from '../connection/redact';
import { Logger } from '../log';

export interface StderrLoggerOptions {
  verbose: boolean;
  debug: boolean;
  write?: (line: string) => void;
}

/**
 * The CLI's logger: info and warnings always, verbose lines with -v, SQL with -d. Every line is
 * scrubbed of the secrets registered so far, whatever part of the tool produced it.
 */
export class StderrLogger implements Logger {
  private readonly secrets: string[] = [];
  private readonly write: (line: string) => void;

  constructor(private readonly options: StderrLoggerOptions) {
    this.write = options.write ?? ((line) => process.stderr.write(line + '\n'));
  }

  addSecret(secret: string | undefined): void {
    if (secret) this.secrets.push(secret);
  }

  scrub(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  debug(message: string): void {
    if (this.options.debug) this.write(this.scrub(`DEBUG ${message}`));
  }

  verbose(message: string): void {
    if (this.options.verbose || this.options.debug) this.write(this.scrub(message));
  }

  info(message: string): void {
    this.write(this.scrub(`INFO  ${message}`));
  }

  warning(message: string): void {
    this.write(this.scrub(`WARNING ${message}`));
  }
}
