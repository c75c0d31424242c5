import type { Logger as TypeOrmLogger } from 'typeorm';
import { Logger } from '../log';
import { redactSecrets } from './redact';

/**
 * Forwards TypeORM's statement log to our Logger at debug level, with every secret of the
 * connection scrubbed (a password can reach SQL text, e.g. in a CREATE USER a revision runs).
 */
export class SqlLogger implements TypeOrmLogger {
  constructor(
    private readonly sink: Logger,
    private readonly secrets: string[],
  ) {}

  private emit(text: string): void {
    this.sink.debug(redactSecrets(text, this.secrets));
  }

  logQuery(query: string, parameters?: unknown[]): void {
    this.emit(parameters && parameters.length > 0 ? `SQL: ${query} -- ${JSON.stringify(parameters)}` : `SQL: ${query}`);
  }

  logQueryError(error: string | Error, query: string): void {
    this.emit(`SQL failed: ${query} -- ${error instanceof Error ? error.message : error}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.emit(`SQL slow (${time} ms): ${query}`);
  }

  logSchemaBuild(message: string): void {
    this.emit(message);
  }

  logMigration(message: string): void {
    this.emit(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    this.emit(String(message));
  }
}
