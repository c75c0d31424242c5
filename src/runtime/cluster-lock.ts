import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DriverClient } from '../connection/driver-client';
import { DatabaseStateError } from '../errors';
import { Logger } from '../log';
import type { RunLockStatements } from './run-lock-statements';

/**
 * The run lock on a MariaDB Galera cluster. GET_LOCK locks one node only and Galera has no
 * cluster-wide row locks, so two runs through two nodes would both get "the" lock. What Galera does
 * order across the cluster is DDL (total order isolation) and conflicting writes to one row (the
 * second to commit fails certification, 1213). So the lock is a lease, one row in a table of its own:
 *
 * - taking it: CREATE TABLE IF NOT EXISTS, then INSERT the row; of two runs, one INSERT loses
 *   (a duplicate key on one node, a certification failure across two) and that run waits;
 * - holding it: a heartbeat on a connection of its own (the run's connection may be inside a long
 *   ALTER) counts up every HEARTBEAT_MS;
 * - taking over: a waiter that sees no heartbeat for STALE_MS takes the row over, with an UPDATE
 *   that names the beat it saw (so of two waiters one wins). A holder on the waiter's own node whose
 *   connection is gone (a run killed -9) is taken over at once, and a row whose last beat is long
 *   past by the server's clock (left by a run killed before this one started) too;
 * - releasing it: DROP TABLE, which removes row and table in one statement that every node runs in
 *   the same order, so nothing of the lock stays in the schema once a run ends (the schema stays the
 *   reference's, check stays clean), and a waiter's INSERT either sees the row or no table.
 *
 * Time spent waiting for a read counts as no sign of life: DDL stalls every node's commits while it
 * runs, the heartbeat's too, and a waiter's causal read waits for that DDL as well, so a slow read
 * restarts the waiter's count instead of ending it.
 */
export const CLUSTER_LOCK_TABLE = 'watcher_db_manage_run_lock';

/** The lease's table: a primary key and InnoDB, as Galera's strict mode requires. */
export const CREATE_LEASE_TABLE =
  `CREATE TABLE IF NOT EXISTS ${CLUSTER_LOCK_TABLE} (id INT NOT NULL PRIMARY KEY, token VARCHAR(64) NOT NULL, ` +
  'holder VARCHAR(255) NOT NULL, node VARCHAR(255) NOT NULL, connection_id BIGINT NOT NULL, ' +
  'beat BIGINT NOT NULL, beat_at DATETIME(6) NOT NULL) ENGINE=InnoDB';

/** The lock connection's own bounds on its waits, sent first. */
const LEASE_SESSION = ['SET SESSION lock_wait_timeout = 10', 'SET SESSION innodb_lock_wait_timeout = 10'];
/** The row that is the lease; the placeholders are this run's token, name, node and connection id. */
const INSERT_LEASE = `INSERT INTO ${CLUSTER_LOCK_TABLE} (id, token, holder, node, connection_id, beat, beat_at) VALUES (1, ?, ?, ?, ?, 0, UTC_TIMESTAMP(6))`;
const BEAT_LEASE = `UPDATE ${CLUSTER_LOCK_TABLE} SET beat = beat + 1, beat_at = UTC_TIMESTAMP(6) WHERE id = 1 AND token = ?`;
const DROP_LEASE = `DROP TABLE IF EXISTS ${CLUSTER_LOCK_TABLE}`;

const HEARTBEAT_MS = 2_000;
/** No new beat seen for this long: the holder is gone. Two takeovers of a killed run fit in 30 s. */
const STALE_MS = 15_000;
/** A read slower than this was stalled by the cluster (DDL, flow control): the count starts again. */
const SLOW_READ_MS = 1_000;
/** A row whose last beat is this old by the server's clock was left by a run that is long gone. */
const ABANDONED_MS = 2 * STALE_MS;
const POLL_MS = 250;

/**
 * What taking, holding and releasing the lease send on the lock's connection (after its session
 * settings) when no other run holds it: the statements the lock itself sends, for `--plan`.
 */
export const LEASE_STATEMENTS: RunLockStatements = {
  taking: [...LEASE_SESSION, CREATE_LEASE_TABLE, INSERT_LEASE],
  takingNote: 'the run lock of a Galera cluster, on a connection of its own: a lease row in a table of its own (the placeholders: this run\'s token, name, node and connection id)',
  heartbeat: { sql: BEAT_LEASE, everySeconds: HEARTBEAT_MS / 1000 },
  releasing: [DROP_LEASE],
};

interface LeaseRow {
  token: string;
  holder: string;
  node: string;
  connection_id: number | string;
  beat: number | string;
  age_ms: number | string | null;
}

export class ClusterLock {
  private readonly token = randomUUID();
  private heartbeat?: NodeJS.Timeout;
  private lost?: string;
  private beating?: Promise<void>;

  constructor(
    /** A connection of the lock's own (causal reads on), closed by release(). */
    private readonly sql: DriverClient,
    private readonly log: Logger,
    /** What this run is, for the waiting runs' messages: "upgrade". */
    private readonly what: string,
    /** What the waiting message says before the holder. */
    private readonly waitMessage: string,
  ) {}

  /** Takes the lease, waiting while another run holds it; says once that it waits, and how it took over. */
  async acquire(): Promise<void> {
    for (const statement of LEASE_SESSION) await this.sql.query(statement);
    const [self] = (await this.sql.query('SELECT CONNECTION_ID() AS id, @@wsrep_node_name AS node')) as { id: number; node: string }[];
    const holder = `${this.what}, pid ${process.pid} on ${os.hostname()}`;
    let announced = false;
    let seen: { token: string; beat: string; since: number } | undefined;
    for (;;) {
      try {
        await this.sql.query(CREATE_LEASE_TABLE);
        const started = Date.now();
        const row = await this.read();
        const now = Date.now();
        if (!row) {
          await this.sql.query(INSERT_LEASE, [this.token, holder, String(self.node ?? ''), self.id]);
          break;
        }
        const beat = String(row.beat);
        if (!seen || seen.token !== row.token || seen.beat !== beat || now - started > SLOW_READ_MS) seen = { token: row.token, beat, since: now };
        const gone = await this.whyGone(row, String(self.node ?? ''), now - seen.since);
        if (gone) {
          const taken = await this.sql.affected(
            `UPDATE ${CLUSTER_LOCK_TABLE} SET token = ?, holder = ?, node = ?, connection_id = ?, beat = 0, beat_at = UTC_TIMESTAMP(6) ` +
              'WHERE id = 1 AND token = ? AND beat = ?',
            [this.token, holder, String(self.node ?? ''), self.id, row.token, row.beat],
          );
          if (taken === 1) {
            this.log.warning(`Took over the migration lock from ${row.holder} (node ${row.node}): ${gone}`);
            break;
          }
        } else if (!announced) {
          announced = true;
          this.log.info(`${this.waitMessage} (held by ${row.holder}, through node ${row.node})`);
        }
      } catch (error) {
        // Lost a race: the other run's INSERT or takeover came first (duplicate key on this node,
        // a certification failure across nodes), or its DROP did (no such table). Look again.
        if (!isRace(error)) throw error;
      }
      await sleep(POLL_MS + Math.random() * POLL_MS);
    }
    this.startHeartbeat();
  }

  private async read(): Promise<LeaseRow | undefined> {
    const rows = (await this.sql.query(
      `SELECT token, holder, node, connection_id, beat, TIMESTAMPDIFF(MICROSECOND, beat_at, UTC_TIMESTAMP(6)) DIV 1000 AS age_ms ` +
        `FROM ${CLUSTER_LOCK_TABLE} WHERE id = 1`,
    )) as LeaseRow[];
    return rows[0];
  }

  /** Why the holder is gone, or undefined while it may be alive. */
  private async whyGone(row: LeaseRow, node: string, silentMs: number): Promise<string | undefined> {
    if (row.node === node) {
      const alive = (await this.sql.query('SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [row.connection_id])) as unknown[];
      if (alive.length === 0) return 'its connection to this node is gone';
    }
    if (Number(row.age_ms ?? 0) > ABANDONED_MS) return `its last heartbeat was ${Math.round(Number(row.age_ms) / 1000)} s ago`;
    if (silentMs >= STALE_MS) return `no heartbeat for ${Math.round(silentMs / 1000)} s`;
    return undefined;
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      this.beating ??= this.beat().finally(() => (this.beating = undefined));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async beat(): Promise<void> {
    try {
      const changed = await this.sql.affected(BEAT_LEASE, [this.token]);
      if (changed === 0) this.lost ??= 'another run took it over (no heartbeat of ours reached it in time)';
    } catch (error) {
      // A certification conflict with a waiter's read-and-update is no loss; the next beat decides.
      if ((error as { code?: string }).code !== 'ER_LOCK_DEADLOCK') this.lost ??= `its heartbeat failed: ${(error as Error).message}`;
    }
  }

  /** Throws when the lease was lost (a takeover, a lost connection): the run must not go on. */
  assertHeld(): void {
    if (this.lost) throw new DatabaseStateError(`The migration lock of this run was lost: ${this.lost}; stopping here, rerun to continue`);
  }

  /** Ends the lease (drops its table) and closes the lock's connection. */
  async release(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.beating;
    try {
      if (!this.lost && this.heartbeat) await this.sql.query(DROP_LEASE);
    } catch (error) {
      // The run's work is done (or failed for its own reason, which must be what is reported): a
      // lease left behind is taken over by the next run, as a killed run's is.
      this.log.warning(`Could not release the migration lock (${(error as Error).message}); the next run takes it over`);
    } finally {
      this.heartbeat = undefined;
      await this.sql.close().catch(() => undefined);
    }
  }
}

function isRace(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ER_DUP_ENTRY' || code === 'ER_LOCK_DEADLOCK' || code === 'ER_NO_SUCH_TABLE' || code === 'ER_LOCK_WAIT_TIMEOUT';
}
