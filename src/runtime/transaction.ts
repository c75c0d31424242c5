import type { QueryRunner } from 'typeorm';
import { Dialect } from '../dialect';

/** PostgreSQL and SQLite roll DDL back with the transaction; MySQL commits each DDL statement at once. */
export function hasTransactionalDdl(dialect: Dialect): boolean {
  return dialect.backend !== 'mysql';
}

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

/** Gives `work` a dedicated connection and releases it afterwards. */
export async function withRunner<T>(
  dataSource: { createQueryRunner(): QueryRunner },
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    return await work(runner);
  } finally {
    await runner.release();
  }
}
