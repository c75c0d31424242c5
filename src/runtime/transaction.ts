import type { QueryRunner } from 'typeorm';
import { environmentFailure } from '../connection/environment-failure';
import { ConnectionError } from '../errors';

/** Runs `work` in one transaction on `runner`: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work();
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  }
}

interface EventSource {
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Gives `work` a dedicated connection, with the server's session settings, and releases it afterwards.
 *
 * When the server ends the connection between two statements (an administrator's
 * pg_terminate_backend, a restart), TypeORM's PostgreSQL runner hears it as an 'error' event and
 * releases itself, and the next statement fails with "Query runner already released", which names
 * neither the connection nor the cause. So the event is kept, and a failure after it is reported as
 * the lost connection, with the server's reason.
 */
export async function withRunner<T>(
  session: { dataSource: { createQueryRunner(): QueryRunner }; prepareConnection?(sql: QueryRunner): Promise<void> },
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = session.dataSource.createQueryRunner();
  const connection = (await runner.connect()) as Partial<EventSource> | undefined;
  let lost: Error | undefined;
  const onError = (error: Error) => (lost ??= error);
  const events = typeof connection?.on === 'function' ? (connection as EventSource) : undefined;
  events?.on('error', onError);
  try {
    await session.prepareConnection?.(runner);
    return await work(runner);
  } catch (error) {
    if (lost) throw new ConnectionError(`Lost the connection to the database: ${lost.message}`);
    throw environmentFailure(error) ?? error;
  } finally {
    events?.removeListener('error', onError);
    await runner.release();
  }
}
