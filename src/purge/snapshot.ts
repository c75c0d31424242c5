import { KINDS, Kind } from './kinds';
import { Workspace } from './workspace';

/** The tables purge reads: the six kinds, and the efficacy indicators that go with action plans. */
export type SourceTable = Kind | 'efficacy_indicators';

/** Where the selection reads each table: the table itself, or a copy of it taken at one instant. */
export type Sources = Record<SourceTable, string>;

/** The columns the selection and the batch plan read of each table (ids, soft delete, links). */
const COLUMNS: Record<SourceTable, readonly string[]> = {
  goals: [],
  strategies: ['goal_id'],
  audit_templates: ['goal_id', 'strategy_id'],
  audits: ['goal_id', 'strategy_id'],
  action_plans: ['audit_id', 'strategy_id'],
  actions: ['action_plan_id'],
  efficacy_indicators: ['action_plan_id'],
};
const TABLES = [...KINDS, 'efficacy_indicators'] as const;

/**
 * The soft-delete columns the rules read beside `id` and `deleted`: `deleted_at` only for an age
 * (-d), `uuid` only for a goal (-t). A copy leaves the others out: at a million rows the uuids were
 * most of what it wrote.
 */
export interface SnapshotColumns {
  deletedAt: boolean;
  uuid: boolean;
}

/**
 * Runs `read` (the whole selection and batch plan) against one consistent snapshot of the Watcher
 * tables, so that every rule sees the same database whatever the services write meanwhile; the
 * deletes that follow act on the live rows and report what they really deleted.
 *
 * - PostgreSQL: a REPEATABLE READ transaction. Its reads take no row lock, and it ends (committed)
 *   before any question is asked, so it holds nothing while an operator thinks.
 * - MySQL: INSERT ... SELECT under REPEATABLE READ would be a locking read (shared locks on every
 *   row scanned, held to the end of the transaction, against the services' UPDATEs), and under READ
 *   COMMITTED each statement has its own snapshot. So a single statement copies the columns purge
 *   reads of all seven tables, at once and without locks, into a temporary table, which is then
 *   split per table (a temporary table cannot be opened twice in one statement).
 * - SQLite: the same single-statement copy; a read transaction would hold its shared lock for the
 *   whole selection, and in rollback-journal mode no service could commit meanwhile.
 */
export async function readSnapshot<T>(ws: Workspace, columns: SnapshotColumns, read: (sources: Sources) => Promise<T>): Promise<T> {
  if (ws.backend === 'postgres') {
    const base = Object.fromEntries(TABLES.map((t) => [t, t])) as Sources;
    return ws.transaction(() => read(base), 'BEGIN ISOLATION LEVEL REPEATABLE READ');
  }
  return read(await copyTables(ws, columns));
}

/** One statement copies every table's columns into `snap`; then `snap` is split per table. */
async function copyTables(ws: Workspace, columns: SnapshotColumns): Promise<Sources> {
  const int = 'INTEGER';
  const datetime = ws.backend === 'mysql' ? 'DATETIME(6)' : 'DATETIME';
  const optionalColumns: [string, string][] = [
    ...(columns.deletedAt ? [['deleted_at', datetime] as [string, string]] : []),
    ...(columns.uuid ? [['uuid', 'VARCHAR(36)'] as [string, string]] : []),
  ];
  const optional = optionalColumns.map(([name, type]) => `${name} ${type}`);
  const mixin = ['id', 'deleted', ...optionalColumns.map(([name]) => name)];
  const snap = await ws.createTable(
    'snap',
    [`k ${int} NOT NULL`, `id ${int} NOT NULL`, `deleted ${int}`, ...optional, `l1 ${int}`, `l2 ${int}`, 'PRIMARY KEY (k, id)'].join(', '),
  );
  const union = TABLES.map((table, k) => {
    const links = COLUMNS[table];
    return `SELECT ${k}, ${mixin.join(', ')}, ${links[0] ?? 'NULL'}, ${links[1] ?? 'NULL'} FROM ${ws.q(table)}`;
  });
  await ws.run(`INSERT INTO ${snap} (k, ${mixin.join(', ')}, l1, l2) ${union.join(' UNION ALL ')}`);

  const sources = {} as Sources;
  for (const [k, table] of TABLES.entries()) {
    const links = COLUMNS[table];
    const definitions = [`id ${int} NOT NULL PRIMARY KEY`, `deleted ${int}`, ...optional, ...links.map((l) => `${l} ${int}`)];
    // The links are indexed, as the foreign keys of the real tables are on MySQL: the safety rule
    // looks rows up by them, and MySQL runs an IN (subquery) of a DELETE once per row.
    const keys = ws.backend === 'mysql' ? links.map((l) => `KEY (${l})`) : [];
    sources[table] = await ws.createTable(`src_${table}`, [...definitions, ...keys].join(', '));
    const linkColumns = links.map((l, i) => `, l${i + 1}`).join('');
    await ws.run(
      `INSERT INTO ${sources[table]} (${[...mixin, ...links].join(', ')}) SELECT ${mixin.join(', ')}${linkColumns} FROM ${snap} WHERE k = ${k}`,
    );
    if (ws.backend === 'sqlite') {
      for (const l of links) await ws.run(`CREATE INDEX ${ws.q(`wdm_purge_src_${table}_${l}`)} ON ${sources[table]} (${l})`);
    }
  }
  await ws.drop(snap);
  return sources;
}
