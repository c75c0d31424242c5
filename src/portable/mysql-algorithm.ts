import type { MigrationContext } from './context';
import { noteInScript, writesScript } from './offline';
import { Send, Stage, withStages } from '../connection/statement-stages';
import { shapeOf } from '../sql/shape';

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

const REFUSED = new Set([1845, 1846]);

function refused(error: unknown): boolean {
  return REFUSED.has(Number((error as { errno?: unknown } | undefined)?.errno));
}

/** The error the server gives for a form it refuses (ER_ALTER_OPERATION_NOT_SUPPORTED_REASON), as the plan's reading answers it. */
export function refusal(reason: string): Error {
  return Object.assign(new Error(reason), { errno: 1846 });
}

async function firstAccepted(send: Send, statement: string, rest: unknown[]): Promise<unknown> {
  for (const form of ALTER_FORMS) {
    try {
      return await send(form === '' ? statement : `${statement}, ${form}`, ...rest);
    } catch (error) {
      if (form === '' || !refused(error)) throw error;
    }
  }
  throw new Error('unreachable: the plain form is always tried last');
}

/** The stage that sends each ALTER TABLE naming no algorithm in the least blocking form the server accepts. */
export const onlineAlterForms: Stage = (next) => (sql, ...rest) => {
  const shape = shapeOf(sql, 'mysql');
  return shape.altersTable && shape.algorithm === undefined ? firstAccepted(next, sql, rest) : next(sql, ...rest);
};

/** Runs one `ALTER TABLE ...` (MySQL) in the least blocking form the server accepts. */
export async function alterTableOnline(db: MigrationContext, statement: string): Promise<void> {
  await withOnlineAlters(db, () => db.runner.query(statement));
}

/**
 * Runs a TypeORM operation (changeColumn, addColumn, dropForeignKey, ...) with each ALTER TABLE it
 * sends asked for the least blocking form (onlineAlterForms), so that its column definitions stay
 * TypeORM's own. Other statements, other backends and offline scripts pass unchanged; the plan's
 * recording of the run gets the forms the run sends, its reading of the server refusing them.
 */
export async function withOnlineAlters<T>(db: MigrationContext, work: () => Promise<T>): Promise<T> {
  if (!db.dialect.hasAlterAlgorithms) return work();
  if (!writesScript(db)) return withStages(db.runner, [onlineAlterForms], work);
  await noteInScript(db, SCRIPT_FORMS);
  return work();
}

const SCRIPT_FORMS =
  'The run adds ALGORITHM=INSTANT, else INPLACE with LOCK=NONE, else COPY with LOCK=SHARED: the first the server accepts; here the server picks.';
