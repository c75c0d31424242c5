import { Logger } from '../log';
import { driverFor } from './drivers/driver';
import { SqlExecutor } from './sql-executor';
import { SqlLogger } from './sql-logger';
import { ConnectionSpec } from './url';

/** A bare driver connection: statements with bound parameters, and nothing of TypeORM. */
export interface DriverClient extends SqlExecutor {
  /** Runs a statement that changes rows (INSERT, UPDATE, DELETE) and returns how many it changed. */
  affected(sql: string, parameters?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the driver itself, without TypeORM, for commands that only read a little (version, current,
 * history): loading TypeORM costs more than the whole rest of such a command. Driver errors are
 * thrown as the driver raised them, so the caller explains them as it does for TypeORM's.
 */
export async function openDriverClient(spec: ConnectionSpec, log: Logger, secrets: string[]): Promise<DriverClient> {
  const { execute, close } = await driverFor(spec.backend).connect(spec);
  const sqlLog = new SqlLogger(log, secrets);
  const run = async (sql: string, parameters: unknown[]) => {
    sqlLog.logQuery(sql, parameters);
    try {
      return await execute(sql, parameters);
    } catch (error) {
      sqlLog.logQueryError(error as Error, sql);
      throw error;
    }
  };
  return {
    query: async (sql: string, parameters: unknown[] = []) => (await run(sql, parameters)).rows,
    affected: async (sql: string, parameters: unknown[] = []) => (await run(sql, parameters)).changed,
    close,
  };
}
