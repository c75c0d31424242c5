// Seeded Watcher datasets for the purge tests and benchmark, and an independent oracle: the spec's
// purge rules written row by row over the seeded rows (as the Python reference works), sharing no
// code with src/purge. Rows go in through the CLI clients (backends.ts), never through the tool.
import { Backend, TempDatabase, backendOf, sqlQuery } from './backends';
import { databaseAtHead } from './head-template';
import { prng } from './prng';
import { quoteIdent } from './watcher-rows';

export const KINDS = ['goals', 'strategies', 'audit_templates', 'audits', 'action_plans', 'actions'] as const;
export type Kind = (typeof KINDS)[number];

export interface Row {
  id: number;
  uuid: string;
  name: string;
  /** 'live', or soft deleted long ago ('old', 30 days) or recently ('young', 2 days) */
  state: 'live' | 'old' | 'young';
  goal_id?: number;
  strategy_id?: number | null;
  audit_id?: number;
  action_plan_id?: number;
}

export interface Dataset {
  rows: Record<Kind, Row[]>;
  /** efficacy indicators: id -> action plan id */
  indicators: { id: number; action_plan_id: number }[];
}

export interface Shape {
  goals: number;
  strategiesPerGoal: number;
  templatesPerGoal: number;
  auditsPerGoal: number;
  plansPerAudit: number;
  actionsPerPlan: number;
  /** share of links that cross to another goal's strategy (0 for data the reference can purge) */
  tangle: number;
  /** probabilities of 'old' and 'young' soft-deleted states */
  old: number;
  young: number;
  /**
   * Soft deletion cascades as Watcher does it: a child of a soft-deleted object is soft deleted, audits
   * always have a strategy and their plans use it. On such data the reference completes with any option.
   */
  cascade?: boolean;
}

export function makeDataset(seed: number, shape: Shape): Dataset {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const state = (): Row['state'] => {
    const r = rnd();
    return r < shape.old ? 'old' : r < shape.old + shape.young ? 'young' : 'live';
  };
  const rows: Record<Kind, Row[]> = { goals: [], strategies: [], audit_templates: [], audits: [], action_plans: [], actions: [] };
  const indicators: Dataset['indicators'] = [];
  const next: Record<string, number> = {};
  const softDeleted = () => (rnd() < shape.old / (shape.old + shape.young) ? 'old' : 'young');
  const add = (kind: Kind, extra: Partial<Row>, parents: (Row | undefined)[] = []): Row => {
    const id = (next[kind] = (next[kind] ?? 0) + 1);
    const hex = (KINDS.indexOf(kind) + 1).toString(16).padStart(8, '0');
    const inherited = shape.cascade && parents.some((p) => p && p.state !== 'live');
    const row: Row = { id, uuid: `${hex}-0000-4000-8000-${String(id).padStart(12, '0')}`, name: `${kind}-${id}`, state: inherited ? softDeleted() : state(), ...extra };
    rows[kind].push(row);
    return row;
  };
  const strategiesOf = new Map<number, Row[]>();
  for (let g = 0; g < shape.goals; g++) {
    const goal = add('goals', {});
    const mine: Row[] = [];
    for (let s = 0; s < shape.strategiesPerGoal; s++) mine.push(add('strategies', { goal_id: goal.id }, [goal]));
    strategiesOf.set(goal.id, mine);
  }
  const allStrategies = rows.strategies;
  const strategyRow = (id: number | null | undefined) => allStrategies.find((s) => s.id === id);
  const strategyFor = (goalId: number, optional: boolean): number | null => {
    if (optional && !shape.cascade && rnd() < 0.25) return null;
    return (rnd() < shape.tangle ? pick(allStrategies) : pick(strategiesOf.get(goalId)!)).id;
  };
  for (const goal of [...rows.goals]) {
    for (let t = 0; t < shape.templatesPerGoal; t++) {
      const strategy = strategyFor(goal.id, true);
      add('audit_templates', { goal_id: goal.id, strategy_id: strategy }, [goal, strategyRow(strategy)]);
    }
    for (let a = 0; a < shape.auditsPerGoal; a++) {
      const auditStrategy = strategyFor(goal.id, true);
      const audit = add('audits', { goal_id: goal.id, strategy_id: auditStrategy }, [goal, strategyRow(auditStrategy)]);
      for (let p = 0; p < shape.plansPerAudit; p++) {
        const strategy = audit.strategy_id && rnd() >= shape.tangle ? audit.strategy_id : strategyFor(goal.id, false)!;
        const plan = add('action_plans', { audit_id: audit.id, strategy_id: strategy }, [audit, strategyRow(strategy)]);
        for (let x = 0; x < shape.actionsPerPlan; x++) add('actions', { action_plan_id: plan.id }, [plan]);
        indicators.push({ id: indicators.length + 1, action_plan_id: plan.id });
      }
    }
  }
  return { rows, indicators };
}

const DAY = 86400000;

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** INSERT statements for the dataset, `now` deciding what 'old' and 'young' mean. */
export function datasetSql(backend: Backend, data: Dataset, now = Date.now()): string {
  const q = (name: string) => quoteIdent(backend, name);
  const lit = (v: string | number | boolean | null | undefined) =>
    v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : `'${v}'`;
  const out: string[] = [];
  const insert = (table: string, values: Record<string, string | number | boolean | null | undefined>[]) => {
    if (values.length === 0) return;
    const cols = Object.keys(values[0]);
    for (let i = 0; i < values.length; i += 500) {
      const chunk = values.slice(i, i + 500);
      out.push(`INSERT INTO ${table} (${cols.map(q).join(', ')}) VALUES\n${chunk.map((v) => `(${cols.map((c) => lit(v[c])).join(', ')})`).join(',\n')};`);
    }
  };
  const mixin = (r: Row) => ({
    created_at: timestamp(now - 60 * DAY),
    updated_at: null,
    deleted_at: r.state === 'live' ? null : timestamp(now - (r.state === 'old' ? 30 : 2) * DAY),
    deleted: r.state === 'live' ? 0 : r.id,
    id: r.id,
    uuid: r.uuid,
  });
  const R = data.rows;
  insert('goals', R.goals.map((r) => ({ ...mixin(r), name: r.name, display_name: r.name, efficacy_specification: '[]' })));
  insert('strategies', R.strategies.map((r) => ({ ...mixin(r), name: r.name, display_name: r.name, goal_id: r.goal_id, parameters_spec: '{}' })));
  insert('audit_templates', R.audit_templates.map((r) => ({ ...mixin(r), name: r.name, description: 'd', goal_id: r.goal_id, strategy_id: r.strategy_id, scope: '[]' })));
  insert('audits', R.audits.map((r) => ({
    ...mixin(r), name: r.name, audit_type: 'ONESHOT', state: 'SUCCEEDED', parameters: '{}', goal_id: r.goal_id,
    strategy_id: r.strategy_id, scope: '[]', auto_trigger: false, force: false,
  })));
  insert('action_plans', R.action_plans.map((r) => ({ ...mixin(r), audit_id: r.audit_id, strategy_id: r.strategy_id, state: 'SUCCEEDED', global_efficacy: '[]' })));
  insert('actions', R.actions.map((r) => ({
    ...mixin(r), action_plan_id: r.action_plan_id, action_type: 'nop', input_parameters: '{}', state: 'SUCCEEDED', parents: '[]',
  })));
  insert('efficacy_indicators', data.indicators.map((e) => ({
    created_at: timestamp(now - 60 * DAY), deleted: 0, id: e.id, uuid: `eeeeeeee-0000-4000-8000-${String(e.id).padStart(12, '0')}`,
    name: 'ratio', description: 'r', unit: '%', value: 1, action_plan_id: e.action_plan_id,
  })));
  // The rows carry their ids; PostgreSQL's sequences must follow, as they do in a real database, or
  // the next row a service inserts collides with a seeded one.
  if (backend === 'postgresql') {
    for (const table of [...KINDS, 'efficacy_indicators']) {
      out.push(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1));`);
    }
  }
  return out.join('\n');
}

export function seedDataset(url: string, data: Dataset): void {
  sqlQuery(url, datasetSql(backendOf(url), data));
}

/** A new database at head (a copy of one our upgrade built: test/support/head-template.ts), seeded with `data` (a dataset or its SQL), and its config file. */
export async function seededDatabase(backend: Backend, data: Dataset | string): Promise<{ db: TempDatabase; conf: string }> {
  const { db, conf } = await databaseAtHead(backend);
  sqlQuery(db.url, typeof data === 'string' ? data : datasetSql(backend, data));
  return { db, conf };
}

/** The indexes purge makes for its deletes (`wdm_purge_ix_*`), which must never outlive a purge. */
export function purgeIndexes(url: string): string[] {
  const sql: Record<Backend, string> = {
    postgresql: "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'wdm_purge%';",
    mysql: "SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name LIKE 'wdm_purge%';",
    sqlite: "SELECT name FROM sqlite_master WHERE name LIKE 'wdm_purge%';",
  };
  return sqlQuery(url, sql[backendOf(url)]).split('\n').filter(Boolean);
}

/** Ids left in each table (and efficacy_indicators), read through the CLI client. */
export function survivors(url: string): Record<Kind | 'efficacy_indicators', number[]> {
  const out = {} as Record<Kind | 'efficacy_indicators', number[]>;
  for (const t of [...KINDS, 'efficacy_indicators'] as const) {
    out[t] = sqlQuery(url, `SELECT id FROM ${t} ORDER BY id;`).split('\n').filter(Boolean).map(Number);
  }
  return out;
}

export interface OracleOptions {
  /** -d given: only 'old' soft-deleted rows are expired */
  aged?: boolean;
  goalUuid?: string;
  excludeOrphans?: boolean;
  /** -n with the answer yes */
  max?: number;
}

const LINKS: [Kind, keyof Row, Kind][] = [
  ['strategies', 'goal_id', 'goals'],
  ['audit_templates', 'goal_id', 'goals'],
  ['audit_templates', 'strategy_id', 'strategies'],
  ['audits', 'goal_id', 'goals'],
  ['audits', 'strategy_id', 'strategies'],
  ['action_plans', 'audit_id', 'audits'],
  ['action_plans', 'strategy_id', 'strategies'],
  ['actions', 'action_plan_id', 'action_plans'],
];

/** The rows the spec's rules 1-8 leave, computed one row at a time. */
export function expectedSurvivors(data: Dataset, o: OracleOptions): Record<Kind | 'efficacy_indicators', number[]> {
  const R = data.rows;
  const sel: Record<Kind, Set<number>> = Object.fromEntries(KINDS.map((k) => [k, new Set<number>()])) as never;
  const soft = (r: Row) => r.state !== 'live';
  // 1. expired
  for (const k of KINDS) {
    for (const r of R[k]) {
      if (soft(r) && (!o.aged || r.state === 'old') && (o.goalUuid === undefined || r.uuid === o.goalUuid)) sel[k].add(r.id);
    }
  }
  // 3. orphans, as the reference's Python decides them
  if (!o.excludeOrphans) {
    const live = (k: Kind) => R[k].filter((r) => !soft(r));
    const goalIds = new Set(live('goals').map((r) => r.id));
    const orphanS = new Set(live('strategies').filter((s) => !goalIds.has(s.goal_id!)).map((s) => s.id));
    const strategyIds = new Set(live('strategies').filter((s) => !orphanS.has(s.id)).map((s) => s.id));
    const orphanOf = (r: Row) => !goalIds.has(r.goal_id!) || (Boolean(r.strategy_id) && !strategyIds.has(r.strategy_id!));
    const orphanT = live('audit_templates').filter(orphanOf).map((r) => r.id);
    const orphanA = new Set(live('audits').filter(orphanOf).map((r) => r.id));
    const auditIds = new Set(live('audits').filter((a) => !orphanA.has(a.id)).map((a) => a.id));
    const orphanP = new Set(live('action_plans').filter((p) => !auditIds.has(p.audit_id!) || !strategyIds.has(p.strategy_id!)).map((p) => p.id));
    const planIds = new Set(live('action_plans').filter((p) => !orphanP.has(p.id)).map((p) => p.id));
    const orphanX = live('actions').filter((x) => !planIds.has(x.action_plan_id!)).map((x) => x.id);
    [...orphanS].forEach((id) => sel.strategies.add(id));
    orphanT.forEach((id) => sel.audit_templates.add(id));
    [...orphanA].forEach((id) => sel.audits.add(id));
    [...orphanP].forEach((id) => sel.action_plans.add(id));
    orphanX.forEach((id) => sel.actions.add(id));
  }
  // 2 + 7. soft-deleted descendants of anything selected, to a fixpoint
  for (let changed = true; changed; ) {
    changed = false;
    for (const [child, col, parent] of LINKS) {
      for (const r of R[child]) {
        if (soft(r) && !sel[child].has(r.id) && sel[parent].has(r[col] as number)) {
          sel[child].add(r.id);
          changed = true;
        }
      }
    }
  }
  const total = () => KINDS.reduce((n, k) => n + sel[k].size, 0);
  // 5. whole per-goal groups while the running total stays within max
  if (o.max !== undefined && total() > o.max) {
    const taken: Record<Kind, Set<number>> = Object.fromEntries(KINDS.map((k) => [k, new Set<number>()])) as never;
    let running = 0;
    for (const goalId of [...sel.goals].sort((a, b) => a - b)) {
      const in_ = (k: Kind) => R[k].filter((r) => sel[k].has(r.id));
      const strategies = in_('strategies').filter((s) => s.goal_id === goalId).map((s) => s.id);
      const templates = in_('audit_templates').filter((t) => t.goal_id === goalId || (Boolean(t.strategy_id) && strategies.includes(t.strategy_id!))).map((t) => t.id);
      const audits = in_('audits').filter((a) => a.goal_id === goalId).map((a) => a.id);
      const plans = in_('action_plans').filter((p) => audits.includes(p.audit_id!)).map((p) => p.id);
      const actions = in_('actions').filter((x) => plans.includes(x.action_plan_id!)).map((x) => x.id);
      const size = 1 + strategies.length + templates.length + audits.length + plans.length + actions.length;
      if (size + running > o.max) break;
      const group: [Kind, number[]][] = [['goals', [goalId]], ['strategies', strategies], ['audit_templates', templates], ['audits', audits], ['action_plans', plans], ['actions', actions]];
      for (const [k, ids] of group) ids.forEach((id) => taken[k].add(id));
      running = KINDS.reduce((n, k) => n + taken[k].size, 0);
    }
    for (const k of KINDS) sel[k] = taken[k];
  }
  // 8. safety: a selected parent of an unselected row stays, to a fixpoint
  for (let changed = true; changed; ) {
    changed = false;
    for (const [child, col, parent] of LINKS) {
      for (const r of R[child]) {
        const p = r[col] as number;
        if (!sel[child].has(r.id) && sel[parent].has(p)) {
          sel[parent].delete(p);
          changed = true;
        }
      }
    }
  }
  const out = {} as Record<Kind | 'efficacy_indicators', number[]>;
  for (const k of KINDS) out[k] = R[k].filter((r) => !sel[k].has(r.id)).map((r) => r.id);
  out.efficacy_indicators = data.indicators.filter((e) => !sel.action_plans.has(e.action_plan_id)).map((e) => e.id);
  return out;
}

/** How many objects the oracle deletes. */
export function expectedDeleted(data: Dataset, o: OracleOptions): number {
  const left = expectedSurvivors(data, o);
  return KINDS.reduce((n, k) => n + data.rows[k].length - left[k].length, 0);
}

/** The purge options of `o`, as the CLI takes them (the goal by its name). */
export function purgeCliArgs(o: OracleOptions, data: Dataset): string[] {
  const args: string[] = [];
  if (o.aged) args.push('-d', '10');
  if (o.goalUuid) args.push('-t', data.rows.goals.find((g) => g.uuid === o.goalUuid)!.name);
  if (o.excludeOrphans) args.push('-e');
  if (o.max !== undefined) args.push('-n', String(o.max));
  return args;
}
