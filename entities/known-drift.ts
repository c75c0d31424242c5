/**
 * The known drift: where Watcher's models (these entities) and the schema its own revisions build
 * have always differed, each with why it stays. Reviewed like code: `check` accepts exactly these
 * (exit 0, listed under -v and as "known" in --json), reports an entry that no longer differs as
 * stale (exit 3), and `revision --autogenerate` leaves them out unless --include-known-drift.
 *
 * Measured, not guessed: it is what `check` finds on a database upgraded to head by the reference
 * (python3-watcher's `watcher-db-manage upgrade`, brought to upstream master) on PostgreSQL and
 * MariaDB, and by ours on SQLite, where the reference's upgrade fails at d098df6021e2 (no ALTER
 * COLUMN). test/known-drift.test.ts checks the list against a fresh upgrade on every backend.
 *
 * `operation` is the line check prints for it; `backends` limits an entry to some backends.
 */
export interface KnownDrift {
  operation: string;
  backends?: ('sqlite' | 'postgres' | 'mysql')[];
  reason: string;
}

const SOFT_DELETE_COLUMNS =
  "0f6042416884 creates apscheduler_jobs as APScheduler's job store lays it out, without the soft-delete columns the model inherits from WatcherBase; APScheduler writes the table and never sets them, so no revision ever added them";

export const KNOWN_DRIFT: KnownDrift[] = [
  { operation: "Detected added column 'apscheduler_jobs.created_at'", reason: SOFT_DELETE_COLUMNS },
  { operation: "Detected added column 'apscheduler_jobs.updated_at'", reason: SOFT_DELETE_COLUMNS },
  { operation: "Detected added column 'apscheduler_jobs.deleted_at'", reason: SOFT_DELETE_COLUMNS },
  { operation: "Detected added column 'apscheduler_jobs.deleted'", reason: SOFT_DELETE_COLUMNS },
  {
    operation: "Detected NOT NULL on column 'audits.force'",
    reason:
      '609bec748f2a adds audits.force nullable with a Python-side default only, so audits older than it hold NULL: NOT NULL would fail on real data',
  },
  {
    operation: "Detected added unique constraint 'uniq_audits0name' on audits(name, deleted)",
    reason:
      'the model declares it, but 3cfc94cecf4e adds audits.name without it and a86240e89a29 names existing audits from their goal and time, which need not be unique: the constraint would fail on real data',
  },
  {
    operation: "Detected added unique constraint 'uniq_apscheduler_jobs0id' on apscheduler_jobs(id)",
    reason: 'apscheduler_jobs.id is already the primary key, which is unique; the model restates it and no revision adds the redundant constraint',
  },
  {
    operation: "Detected type change from Integer to String(36) on 'audits.interval'",
    backends: ['postgres'],
    reason:
      'd098df6021e2 only states nullability for audits.interval: MySQL restates the column as varchar(36) and we rebuild it so on SQLite, but PostgreSQL keeps it integer; changing the type there is a data conversion for upstream to decide',
  },
];
