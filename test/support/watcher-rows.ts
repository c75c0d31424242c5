// Rows in a Watcher database, for the migration tests: put one of each kind in (whatever revision the
// database is at) and read them back, so that a test can prove an upgrade or downgrade kept them.
// Like backends.ts, everything goes through the CLI clients, never through the tool's own code.
import { Backend, backendOf, sqlQuery } from './backends';

/** An identifier quoted for the backend (`interval` is a reserved word on PostgreSQL and MySQL). */
export function quoteIdent(backend: Backend, name: string): string {
  return backend === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Every table of the database except alembic_version, sorted by name. */
export function watcherTables(url: string): string[] {
  const sql: Record<Backend, string> = {
    postgresql: "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE';",
    mysql: "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE';",
    sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\';",
  };
  return lines(sqlQuery(url, sql[backendOf(url)]))
    .filter((t) => t !== 'alembic_version')
    .sort();
}

/** The columns of `table`, in table order. */
export function tableColumns(url: string, table: string): string[] {
  const sql: Record<Backend, string> = {
    postgresql: `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY ordinal_position;`,
    mysql: `SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '${table}' ORDER BY ordinal_position;`,
    sqlite: `SELECT name FROM pragma_table_info('${table}') ORDER BY cid;`,
  };
  return lines(sqlQuery(url, sql[backendOf(url)]));
}

/** The current revision stored in alembic_version ('' when the table is empty). */
export function storedRevision(url: string): string {
  return sqlQuery(url, 'SELECT version_num FROM alembic_version;').trim();
}

export interface RowSnapshot {
  /** table -> the columns that were read */
  columns: Record<string, string[]>;
  /** table -> its rows as the client prints them, ordered by id */
  rows: Record<string, string>;
}

/**
 * Every row of every Watcher table. With `columns` (a previous snapshot's), reads exactly those tables
 * and columns, so that rows taken before an upgrade can be compared with the same columns after it.
 */
export function snapshotRows(url: string, columns?: Record<string, string[]>): RowSnapshot {
  const backend = backendOf(url);
  const shape: Record<string, string[]> = columns ?? columnsOf(url, watcherTables(url));
  const selects = Object.entries(shape).map(([table, cols]): [string, string] => [
    table,
    `SELECT ${cols.map((c) => readable(backend, table, c)).join(', ')} FROM ${table} ORDER BY id;`,
  ]);
  return { columns: shape, rows: rowsByTable(url, selects) };
}

/**
 * Each [table, SELECT] pair's output as the client prints it, all in one client run (a run per table
 * made the snapshot-heavy tests spend most of their time starting psql and mariadb): each table's
 * rows follow a marker line of their own.
 */
export function rowsByTable(url: string, selects: [string, string][]): Record<string, string> {
  const rows: Record<string, string> = {};
  if (selects.length === 0) return rows;
  const script = selects.map(([table, select]) => `SELECT '${MARKER}${table}';\n${select}`).join('\n');
  const parts = `\n${sqlQuery(url, script)}`.split(new RegExp(`\\n${MARKER}`));
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    rows[part.slice(0, newline)] = part.slice(newline + 1);
  }
  return rows;
}

/** Precedes each table's rows in a snapshot's output: no row of a Watcher table starts with it. */
const MARKER = '@@wdm-snapshot-table:';

/** The columns of each of `tables`, in table order, in one client run. */
function columnsOf(url: string, tables: string[]): Record<string, string[]> {
  const sql: Record<Backend, string> = {
    postgresql: "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position;",
    mysql: 'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position;',
    sqlite: "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid;",
  };
  const out: Record<string, string[]> = Object.fromEntries(tables.map((t) => [t, []]));
  for (const line of lines(sqlQuery(url, sql[backendOf(url)]))) {
    const [table, column] = line.split(/[|\t]/);
    out[table]?.push(column);
  }
  return out;
}

// Binary columns are read as hex: the clients print raw bytes badly (sqlite3 stops at a NUL byte).
const BINARY_COLUMNS = new Set(['apscheduler_jobs.job_state']);

function readable(backend: Backend, table: string, column: string): string {
  const q = quoteIdent(backend, column);
  if (!BINARY_COLUMNS.has(`${table}.${column}`)) return q;
  return backend === 'postgresql' ? `encode(${q}, 'hex')` : `lower(hex(${q}))`;
}

function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * One goal, strategy, audit, action plan, action, efficacy indicator and service (and a soft-deleted
 * goal and strategy), plus an apscheduler job when that table exists. Columns added by later
 * revisions are filled in when the database already has them, so the same seed serves any revision
 * from 001 on. Ids are explicit (1, 2) so that the foreign keys are known.
 */
export function seedWatcherRows(url: string): void {
  const backend = backendOf(url);
  const tables = new Set(watcherTables(url));
  const statements: string[] = [];
  const insert = (table: string, values: Record<string, string | number | null>) => {
    const existing = new Set(tableColumns(url, table));
    const cols = Object.keys(values).filter((c) => existing.has(c));
    const list = cols.map((c) => quoteIdent(backend, c)).join(', ');
    statements.push(`INSERT INTO ${table} (${list}) VALUES (${cols.map((c) => literal(values[c])).join(', ')});`);
  };
  const mixin = (id: number, deleted = false) => ({
    created_at: '2023-05-06 07:08:09',
    updated_at: deleted ? '2023-05-07 08:09:10' : null,
    deleted_at: deleted ? '2023-05-08 09:10:11' : null,
    deleted: deleted ? id : 0,
    id,
  });
  insert('goals', { ...mixin(1), uuid: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'server_consolidation', display_name: 'Server Consolidation', efficacy_specification: '[{"name": "released_compute_nodes_count"}]' });
  insert('goals', { ...mixin(2, true), uuid: 'aaaaaaaa-0000-4000-8000-000000000002', name: 'old_goal', display_name: 'Old goal', efficacy_specification: '[]' });
  insert('strategies', { ...mixin(1), uuid: 'bbbbbbbb-0000-4000-8000-000000000001', name: 'vm_workload_consolidation', display_name: 'VM Workload Consolidation', goal_id: 1, parameters_spec: '{"properties": {}}' });
  insert('strategies', { ...mixin(2, true), uuid: 'bbbbbbbb-0000-4000-8000-000000000002', name: 'old_strategy', display_name: 'Old strategy', goal_id: 2, parameters_spec: null });
  insert('audit_templates', { ...mixin(1), uuid: 'cccccccc-0000-4000-8000-000000000001', name: 'at-1', description: 'template', goal_id: 1, strategy_id: 1, scope: '[]', default_parameters: '{"period": 3600}' });
  insert('audits', {
    ...mixin(1),
    uuid: 'dddddddd-0000-4000-8000-000000000001',
    audit_type: 'CONTINUOUS',
    state: 'ONGOING',
    parameters: '{"period": 3600}',
    interval: 3600,
    goal_id: 1,
    strategy_id: 1,
    scope: '[]',
    auto_trigger: '0',
    next_run_time: '2023-05-06 08:08:09',
    name: 'audit-one',
    hostname: 'controller-1',
    start_time: '2023-05-06 00:00:00',
    end_time: '2023-05-07 00:00:00',
    force: '1',
    status_message: 'running',
  });
  insert('action_plans', { ...mixin(1), uuid: 'eeeeeeee-0000-4000-8000-000000000001', audit_id: 1, strategy_id: 1, state: 'RECOMMENDED', global_efficacy: '[{"name": "x", "value": 1}]', hostname: 'controller-1', status_message: null });
  insert('actions', { ...mixin(1), uuid: 'ffffffff-0000-4000-8000-000000000001', action_plan_id: 1, action_type: 'migrate', input_parameters: '{"resource_id": "vm-1"}', state: 'PENDING', parents: '[]', status_message: 'waiting' });
  insert('efficacy_indicators', { ...mixin(1), uuid: '99999999-0000-4000-8000-000000000001', name: 'released_nodes_ratio', description: 'Ratio', unit: '%', value: 42, action_plan_id: 1, data: 0.5 });
  insert('services', { ...mixin(1), name: 'watcher-decision-engine', host: 'controller-1', last_seen_up: '2023-05-06 07:08:09' });
  if (tables.has('apscheduler_jobs')) {
    const bytes = backend === 'postgresql' ? "'\\x00ff10'" : "X'00ff10'";
    const existing = new Set(tableColumns(url, 'apscheduler_jobs'));
    // job_state is binary, so it is written as a literal of the backend rather than through `insert`.
    const tag = existing.has('tag') ? ', tag' : '';
    statements.push(`INSERT INTO apscheduler_jobs (id, next_run_time, job_state, service_id${tag}) VALUES ('job-1', 1700000000.5, ${bytes}, 1${tag ? ", '{\"k\": 1}'" : ''});`);
  }
  sqlQuery(url, statements.join('\n'));
}
