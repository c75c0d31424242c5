/**
 * What `upgrade --plan` / `downgrade --plan` says about each statement a run would send. The field
 * names are the JSON output's (snake_case), so the CLI prints these objects as they are.
 */

import type { MysqlAlgorithm, MysqlLockLevel, StatementKind, TableLock } from '../sql/effects';

export type { MysqlAlgorithm, MysqlLockLevel, StatementKind, TableLock };

/** Where `rows` comes from. */
export type RowsSource =
  /** The server's statistics (pg_class.reltuples, information_schema.TABLES.TABLE_ROWS, sqlite_stat1). */
  | 'statistics'
  /** count(*): PostgreSQL's table was never analyzed, or SQLite has no sqlite_stat1 for it. */
  | 'count'
  /** count(*) stopped at its cap: the table has at least `rows` rows. */
  | 'count-at-least'
  /** The table is created earlier in the same plan: empty when the statement runs. */
  | 'new';

export interface PlanStatement {
  sql: string;
  /** The table the statement works on; null for transaction and session statements. */
  table: string | null;
  /** The locks it takes, summed up in the server's terms; null when it takes none on a table. */
  lock: string | null;
  /** Whether the table's rows are written anew (PostgreSQL: a new relfilenode; MariaDB: a rebuild or COPY). */
  rewrite: boolean;
  /** Whether it reads every row of the table (a rewrite, a validation, an index build). */
  scan: boolean;
  /** The table's estimated rows; null when unknown. */
  rows: number | null;
  kind: StatementKind;
  /** Every table lock it takes (the statement's table first). */
  locks: TableLock[];
  rows_source: RowsSource | null;
  /** MariaDB: the ALTER algorithm the server will use. */
  algorithm?: MysqlAlgorithm;
  /** MariaDB: the concurrency the ALTER allows (LOCK=...): NONE lets reads and writes run. */
  lock_level?: MysqlLockLevel;
  /** Sent once per range of keys, with that range's bounds for its placeholders (a batched data change). */
  each_range?: true;
  /** Anything else worth knowing (a refused ALGORITHM=, a table rebuild's step). */
  note?: string;
}

export interface PlanStep {
  revision: string;
  message: string;
  statements: PlanStatement[];
}

export interface Plan {
  /** null at base, an id, or the ids of several branches. */
  from: string | string[] | null;
  to: string | null;
  steps: PlanStep[];
}
