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
 * - wsrep_sync_wait bit 1: each read first waits until this node has applied every transaction the
 *   cluster committed before it, so what the tool decides from (the version, purge's selection and
 *   counts, a plan, check) includes writes made through other nodes a moment ago. OR-ed into what
 *   the operator may have set for more.
 */
export const GALERA_SESSION_STATEMENTS = ['SET SESSION wsrep_sync_wait = @@session.wsrep_sync_wait | 1'];

/**
 * Most rows one transaction of ours changes on a Galera cluster when nothing smaller is asked for.
 * A transaction is replicated as one write set at commit and the other nodes apply it whole, their
 * own writes waiting meanwhile: measured here, transactions of about 2,000 rows stalled writes on
 * another node 0.47 s at worst, a 37 MiB one 6-12 s.
 */
export const GALERA_ROWS_PER_TRANSACTION = 2_000;

/** Rows per transaction on this node's cluster: the default above, within wsrep_max_ws_rows. */
export function rowsPerTransaction(node: GaleraNode): number {
  const limit = node.maxWriteSetRows > 0 ? node.maxWriteSetRows : Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(GALERA_ROWS_PER_TRANSACTION, limit));
}
