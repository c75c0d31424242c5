import type { QueryRunner } from 'typeorm';
import { dialectOf } from './backend';
import { isOffline } from './offline';

/*
 * MariaDB (and MySQL) can run many ALTER TABLEs without blocking writes, but an ALTER that names no
 * algorithm gives no guarantee: whatever the server picks runs, COPY included. Asked for a form, the
 * server either runs it or refuses at once, before touching the table, saying why (error 1845
 * ER_ALTER_OPERATION_NOT_SUPPORTED, 1846 ER_ALTER_OPERATION_NOT_SUPPORTED_REASON). So each ALTER is
 * asked for the least blocking form first and the next one on a refusal:
 * - INSTANT: a change to the data dictionary only (ADD/DROP COLUMN, DROP FOREIGN KEY, a foreign key
 *   with foreign_key_checks = 0);
 * - INPLACE with LOCK=NONE: built in place while reads and writes go on (ADD INDEX, NOT NULL);
 * - COPY with LOCK=SHARED: a copy of the table while reads go on (a column type change);
 * - the plain statement, for what refuses even that.
 * (Measured in ../shared/spec/online-ddl.md.) An offline script gets the plain statement: nobody is
 * there to answer, and a form the target server refuses would stop the script half way, where the
 * plain statement lets that server choose, as it does anyway.
 */

/** The forms tried, least blocking first; '' is the plain statement. */
export const ALTER_FORMS = ['ALGORITHM=INSTANT', 'ALGORITHM=INPLACE, LOCK=NONE', 'ALGORITHM=COPY, LOCK=SHARED', ''] as const;
export type AlterForm = (typeof ALTER_FORMS)[number];

const REFUSED = new Set([1845, 1846]);

function refused(error: unknown): boolean {
  return REFUSED.has(Number((error as { errno?: unknown } | undefined)?.errno));
}

type Send = (sql: string) => Promise<unknown>;

async function firstAccepted(send: Send, statement: string): Promise<{ form: AlterForm; result: unknown }> {
  for (const form of ALTER_FORMS) {
    try {
      return { form, result: await send(form === '' ? statement : `${statement}, ${form}`) };
    } catch (error) {
      if (form === '' || !refused(error)) throw error;
    }
  }
  throw new Error('unreachable: the plain form is always tried last');
}

/** Runs one `ALTER TABLE ...` (MySQL) in the least blocking form the server accepts, and says which. */
export async function alterTableOnline(queryRunner: QueryRunner, statement: string): Promise<AlterForm> {
  if (isOffline(queryRunner)) {
    await queryRunner.query(statement);
    return '';
  }
  return (await firstAccepted((sql) => queryRunner.query(sql), statement)).form;
}

/**
 * Runs a TypeORM operation (changeColumn, addColumn, dropForeignKey, ...) with each ALTER TABLE it
 * sends asked for the least blocking form, as alterTableOnline does, so that its column definitions
 * stay TypeORM's own. Other statements, and other backends, pass unchanged.
 */
export async function withOnlineAlters<T>(queryRunner: QueryRunner, work: () => Promise<T>): Promise<T> {
  if (!dialectOf(queryRunner).hasAlterAlgorithms || isOffline(queryRunner)) return work();
  const self = queryRunner as unknown as { query: (sql: string, ...rest: unknown[]) => Promise<unknown> };
  const own = Object.prototype.hasOwnProperty.call(self, 'query');
  const original = self.query;
  const send = (sql: string, ...rest: unknown[]) => original.call(queryRunner, sql, ...rest);
  self.query = async (sql: string, ...rest: unknown[]) =>
    /^\s*ALTER\s+TABLE\b/i.test(sql) && !/\bALGORITHM\s*=/i.test(sql)
      ? (await firstAccepted((s) => send(s, ...rest), sql)).result
      : send(sql, ...rest);
  try {
    return await work();
  } finally {
    if (own) self.query = original;
    else delete (self as { query?: unknown }).query;
  }
}
