import { classifyInput } from '../sql/classify';
import { PostgresClassifier } from '../sql/classify-postgres';
import type { TableLock } from '../sql/effects';

export type { TableLock } from '../sql/effects';

/** The lock modes that conflict with what Watcher's services take (ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE). */
const STALLS_THE_SERVICES = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);

/**
 * The table locks a schema statement will ask for that can stall the services, as `--plan` names
 * them (src/sql/classify-postgres.ts): one reading of the statement for what the tool says and for
 * what it does. Read without the server's catalog facts, which only refine rewrites and scans, and
 * the locks on referenced tables that a dropped foreign key takes (those then wait in the queue,
 * bounded by lock_timeout). Data statements and CONCURRENTLY builds give none.
 */
export function tableLocks(sql: string): TableLock[] {
  // A table that may not be there: the statement must find out, not a LOCK that would fail first.
  if (/^\s*(ALTER|DROP)\s+TABLE\s+IF\s+EXISTS\b/i.test(sql)) return [];
  const classifier = new PostgresClassifier({ columns: new Map(), constraints: new Map(), indexes: new Map() });
  const classified = classifier.classify(classifyInput('postgres', sql, new Map(), false));
  if (classified.kind !== 'ddl') return [];
  // The table a CREATE TABLE makes is not there yet to be locked, and nobody waits for it.
  const created = classified.effect?.created;
  return classified.locks.filter((lock) => STALLS_THE_SERVICES.has(lock.mode) && lock.table !== created);
}
