import { UserError } from '../errors';
import { SqlExecutor } from './sql-executor';

/**
 * What a MariaDB Galera node says about itself and its cluster: whether it may be used, and the
 * limits the tool must stay within. Read once per connection (../shared/spec/galera.md).
 */
export interface GaleraNode {
  /** wsrep_node_name, or host:port when it has none. */
  node: string;
  /** wsrep_cluster_size */
  clusterSize: number;
  /** wsrep_cluster_status: Primary, non-Primary, Disconnected */
  clusterStatus: string;
  /** wsrep_local_state_comment: Synced, Donor/Desynced, Joining, Joined, ... */
  state: string;
  /** wsrep_ready: ON when the node accepts queries */
  ready: boolean;
  /** wsrep_max_ws_rows: most rows one transaction may change (0: no limit). */
  maxWriteSetRows: number;
  /** wsrep_max_ws_size: most bytes one transaction's write set may have. */
  maxWriteSetBytes: number;
}

/**
 * The node behind a MySQL connection when that server is a Galera node with replication on, else
 * undefined (a plain MySQL or MariaDB server). SHOW, not @@wsrep_on: MySQL has no such variable.
 */
export async function describeGaleraNode(sql: SqlExecutor): Promise<GaleraNode | undefined> {
  const variables = await nameValues(
    sql,
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_node_name', 'wsrep_max_ws_rows', 'wsrep_max_ws_size', 'hostname', 'port')",
  );
  if ((variables.wsrep_on ?? 'OFF').toUpperCase() !== 'ON') return undefined;
  const status = await nameValues(
    sql,
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_cluster_status', 'wsrep_local_state_comment', 'wsrep_ready')",
  );
  return {
    node: variables.wsrep_node_name || `${variables.hostname ?? ''}:${variables.port ?? ''}`,
    clusterSize: Number(status.wsrep_cluster_size ?? 0),
    clusterStatus: status.wsrep_cluster_status ?? '',
    state: status.wsrep_local_state_comment ?? '',
    ready: (status.wsrep_ready ?? '').toUpperCase() === 'ON',
    maxWriteSetRows: Number(variables.wsrep_max_ws_rows ?? 0),
    maxWriteSetBytes: Number(variables.wsrep_max_ws_size ?? 0),
  };
}

async function nameValues(sql: SqlExecutor, statement: string): Promise<Record<string, string>> {
  const rows = (await sql.query(statement)) as Record<string, unknown>[];
  const out: Record<string, string> = {};
  for (const row of rows) {
    const [name, value] = Object.values(row);
    out[String(name).toLowerCase()] = value === null || value === undefined ? '' : String(value);
  }
  return out;
}

/** One line for `-v`: which node of which cluster, and the limits that shape what the tool does. */
export function describeForLog(node: GaleraNode): string {
  const rows = node.maxWriteSetRows > 0 ? String(node.maxWriteSetRows) : 'no limit';
  return (
    `Galera cluster detected: node ${node.node}, ${node.clusterSize} node(s), ${node.clusterStatus}, ${node.state}; ` +
    `wsrep_max_ws_rows ${rows}, wsrep_max_ws_size ${node.maxWriteSetBytes} bytes`
  );
}

/**
 * Why the node may not be used now, or undefined when it may. A node outside the primary component
 * refuses every statement; a donor or desynced node is busy sending its state to another node, and
 * a joining one does not have the data yet: each is a server that is not there yet, for the caller's
 * connection retries.
 */
export function notReadyReason(node: GaleraNode): string | undefined {
  if (node.clusterStatus !== 'Primary') return `the Galera node is outside the primary component (wsrep_cluster_status ${node.clusterStatus})`;
  if (!node.ready) return 'the Galera node is not ready (wsrep_ready OFF)';
  if (node.state !== 'Synced') return `the Galera node is not synced (wsrep_local_state_comment ${node.state})`;
  return undefined;
}

/** Raised at connect time for a node that is not ready; retried like a server that is still starting. */
export class GaleraNodeNotReady extends Error {
  readonly code = 'WDM_GALERA_NOT_READY';
}

/**
 * Whether a server error says the node is not ready for queries: ER_UNKNOWN_COM_ERROR (1047),
 * "WSREP has not yet prepared node for application use", from a node outside the primary component.
 */
export function isNodeNotReadyError(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown } | undefined;
  if (e?.code === 'WDM_GALERA_NOT_READY') return true;
  return e?.errno === 1047 || /WSREP has not yet prepared node/i.test(String(e?.message ?? ''));
}

/**
 * Session settings on every connection to a Galera node:
 * - wsrep_sync_wait bits 1 (reads) and 4 (INSERT, so INSERT ... SELECT): each such statement first
 *   waits until this node has applied every transaction the cluster committed before it, so what
 *   the tool decides from (the version, purge's selection, which INSERT ... SELECT copies into
 *   temporary tables, and its counts, a plan, check) includes writes made through other nodes a
 *   moment ago. OR-ed into what the operator may have set for more.
 */
export const GALERA_SESSION_STATEMENTS = ['SET SESSION wsrep_sync_wait = @@session.wsrep_sync_wait | 5'];

/**
 * Rows per transaction that keep the other nodes from stalling more than about 1 s. A write set is
 * applied on every other node after it commits, and their writes wait behind it: measured here
 * (../shared/spec/galera.md, and a purge of 120,000 rows through node1 with a writer on node2), the
 * worst write on node2 waited 1.6 s behind one transaction, 0.6 s behind 20,000-row ones, 0.19 s
 * behind 5,000 and 0.17 s (0.47 s on a busier machine) behind 2,000. Applying costs per row more
 * than per byte (a 37 MiB write set of 400,000 small rows stalled 6-12 s), so the target is in rows.
 */
export const STALL_SAFE_ROWS = 2000;

/** How many rows one transaction may change on this cluster, and which bound decided it. */
export interface WriteSetBudget {
  rows: number;
  /** What set `rows`, for -v: the stall target, or one of the cluster's limits. */
  boundBy: string;
}

/**
 * The most rows of about `bytesPerRow` bytes each that one transaction should change: within
 * wsrep_max_ws_rows (which counts exactly the rows a transaction changes, temporary tables aside:
 * measured, a 5,000-row transaction passes a limit of 5000) and half of wsrep_max_ws_size (a write
 * set also carries keys and event headers, and rows are not all the average), and no more than
 * STALL_SAFE_ROWS.
 */
export function writeSetBudget(node: GaleraNode, bytesPerRow: number): WriteSetBudget {
  const bounds: WriteSetBudget[] = [{ rows: STALL_SAFE_ROWS, boundBy: 'so that the other nodes stall under 1 s' }];
  if (node.maxWriteSetRows > 0) bounds.push({ rows: node.maxWriteSetRows, boundBy: `wsrep_max_ws_rows ${node.maxWriteSetRows}` });
  if (node.maxWriteSetBytes > 0) {
    bounds.push({
      rows: Math.floor(node.maxWriteSetBytes / 2 / Math.max(1, bytesPerRow)),
      boundBy: `half of wsrep_max_ws_size ${node.maxWriteSetBytes} bytes at about ${bytesPerRow} bytes a row`,
    });
  }
  const tightest = bounds.reduce((a, b) => (b.rows < a.rows ? b : a));
  return { rows: Math.max(1, tightest.rows), boundBy: tightest.boundBy };
}

/** One of the two write-set limits a Galera node enforces on the transactions it starts. */
export type WriteSetLimit = 'wsrep_max_ws_rows' | 'wsrep_max_ws_size';

/**
 * The write-set limit a server error says a transaction went over, or undefined. Measured on
 * MariaDB 10.11: ER_ERROR_DURING_COMMIT (1180) "wsrep_max_ws_rows exceeded", at the statement that
 * went over, the transaction then rolled back; ER_UNKNOWN_ERROR (1105) "Maximum writeset size
 * exceeded". Matched on the text: 1180 also reports other failures at commit.
 */
export function writeSetLimitExceeded(error: unknown): WriteSetLimit | undefined {
  const message = String((error as { message?: unknown } | undefined)?.message ?? '');
  if (/wsrep_max_ws_rows exceeded/i.test(message)) return 'wsrep_max_ws_rows';
  if (/Maximum writeset size exceeded/i.test(message)) return 'wsrep_max_ws_size';
  return undefined;
}

/** A transaction went over one of the cluster's write-set limits (and was rolled back). */
export class WriteSetLimitError extends UserError {}

/** The limit's value now on the node behind `sql` (an operator may have changed it since we connected). */
export async function currentWriteSetLimit(sql: SqlExecutor, limit: WriteSetLimit): Promise<number | undefined> {
  const rows = (await sql.query(`SELECT @@GLOBAL.${limit} AS value`).catch(() => [])) as { value?: unknown }[];
  const value = Number(rows[0]?.value);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Rows per statement for a revision's batched data change on this cluster (a86240e89a29's UPDATE of
 * audits): the write-set budget for rows of up to 1 KiB, as purge assumes at least (an audit with
 * its JSON parameters and scope is well under that).
 */
export function rowsPerTransaction(node: GaleraNode): number {
  return writeSetBudget(node, 1024).rows;
}
