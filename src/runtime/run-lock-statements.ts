/**
 * What a run's lock sends that changes anything, for `--plan`: the statements that take it before
 * the first revision, the one that keeps it (sent again and again while the run lasts), and those
 * that release it after the last. Only Galera's lease has any (cluster-lock.ts); the other locks are
 * lock functions a SELECT calls (pg_advisory_lock, GET_LOCK) or SQLite's own write lock.
 */
export interface RunLockStatements {
  taking: string[];
  /** What the plan says about the statements that take it. */
  takingNote: string;
  heartbeat: { sql: string; everySeconds: number };
  releasing: string[];
}
