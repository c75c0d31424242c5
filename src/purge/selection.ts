import { Counts, KINDS, Kind, LINKS, emptyCounts, subtract, withTotal } from './kinds';
import { Sources } from './snapshot';
import { Workspace } from './workspace';

export interface SelectionRules {
  /** Rule 1: only soft-deleted rows with `deleted_at` before this instant (UTC). */
  cutoff?: Date;
  /** Rules 1 and 4: only rows whose uuid is the goal's. */
  goalUuid?: string;
  /** Rule 3: leave live orphans alone. */
  excludeOrphans: boolean;
}

/** `deleted_at` is stored as naive UTC; SQLite keeps SQLAlchemy's text form, which sorts as time. */
export function sqlTimestamp(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(date.getUTCFullYear(), 4)}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}.${p(date.getUTCMilliseconds() * 1000, 6)}`
  );
}

const SOFT_DELETED = 'deleted <> 0';
const LIVE = 'deleted = 0';
/** Python's truthiness of an optional key: NULL and 0 mean "no parent". */
const isSet = (column: string) => `(${column} IS NOT NULL AND ${column} <> 0)`;

/**
 * The rows a purge would delete, kept as temporary id tables (`tables`). Built in the order of the
 * spec's rules; each step is a handful of set-based statements whatever the number of rows.
 */
export class Selection {
  private constructor(
    private readonly ws: Workspace,
    /** Where each table is read: one snapshot for the whole selection (snapshot.ts). */
    private readonly src: Sources,
    /** kind -> temporary table of selected ids */
    public tables: Record<Kind, string>,
  ) {}

  /** Builds the selection of rules 1, 2, 3 and 7 from `src`; `step` hears each step as it begins. */
  static async build(ws: Workspace, src: Sources, rules: SelectionRules, step: (name: string) => void = () => undefined): Promise<Selection> {
    const selection = new Selection(ws, src, await ws.createSet('sel'));
    step('expired objects');
    await selection.addExpired(rules);
    if (!rules.excludeOrphans) {
      step('orphans');
      await selection.addOrphans();
    }
    // Rules 2 and 7 add soft-deleted rows only: with no age or goal filter, rule 1 took them all.
    if (rules.cutoff !== undefined || rules.goalUuid !== undefined) {
      step('related objects');
      await selection.close();
    }
    return selection;
  }

  counts(): Promise<Counts> {
    return this.ws.counts(this.tables);
  }

  /**
   * The efficacy indicators that go with the selected action plans: every indicator of such a
   * plan, soft deleted or not, as the deletes take them (delete.ts, batches.ts).
   */
  async efficacyIndicators(): Promise<number> {
    const [row] = await this.ws.run<{ n: number | string }[]>(
      `SELECT COUNT(*) AS n FROM ${this.src.efficacy_indicators} e JOIN ${this.tables.action_plans} p ON p.id = e.action_plan_id`,
    );
    return Number(row.n);
  }

  /** Rule 1: soft-deleted objects of every kind, older than the cutoff, with the goal's uuid. */
  private async addExpired(rules: SelectionRules): Promise<void> {
    const d = this.ws.dialect;
    for (const kind of KINDS) {
      const where = [SOFT_DELETED];
      const params: unknown[] = [];
      if (rules.cutoff) {
        params.push(sqlTimestamp(rules.cutoff));
        where.push(`deleted_at < ${d.placeholder(params.length)}`);
      }
      if (rules.goalUuid !== undefined) {
        params.push(rules.goalUuid);
        where.push(`uuid = ${d.placeholder(params.length)}`);
      }
      await this.ws.insert(this.tables[kind], `SELECT id FROM ${this.src[kind]} WHERE ${where.join(' AND ')}`, params);
    }
  }

  /**
   * Rule 3, as the reference computes it over the whole database: live objects whose parent is not
   * a live (non-orphan) object. Orphans of each kind are kept apart first, since a child is an orphan
   * when its parent is.
   */
  private async addOrphans(): Promise<void> {
    const ws = this.ws;
    const src = this.src;
    const orphan = {
      strategies: await ws.create('orph_strategies'),
      audit_templates: await ws.create('orph_audit_templates'),
      audits: await ws.create('orph_audits'),
      action_plans: await ws.create('orph_action_plans'),
      actions: await ws.create('orph_actions'),
    };
    const liveGoal = (col: string) => `EXISTS (SELECT 1 FROM ${src.goals} g WHERE g.id = ${col} AND g.${LIVE})`;
    const liveNonOrphan = (kind: 'strategies' | 'audits' | 'action_plans', col: string) =>
      `(EXISTS (SELECT 1 FROM ${src[kind]} p WHERE p.id = ${col} AND p.${LIVE}) AND NOT EXISTS (SELECT 1 FROM ${orphan[kind]} o WHERE o.id = ${col}))`;

    await ws.insert(orphan.strategies, `SELECT c.id FROM ${src.strategies} c WHERE c.${LIVE} AND NOT ${liveGoal('c.goal_id')}`);
    for (const kind of ['audit_templates', 'audits'] as const) {
      await ws.insert(
        orphan[kind],
        `SELECT c.id FROM ${src[kind]} c WHERE c.${LIVE} AND (NOT ${liveGoal('c.goal_id')} OR ` +
          `(${isSet('c.strategy_id')} AND NOT ${liveNonOrphan('strategies', 'c.strategy_id')}))`,
      );
    }
    // The reference checks an action plan's strategy without testing it for None first.
    await ws.insert(
      orphan.action_plans,
      `SELECT c.id FROM ${src.action_plans} c WHERE c.${LIVE} AND (NOT ${liveNonOrphan('audits', 'c.audit_id')} OR ` +
        `NOT ${liveNonOrphan('strategies', 'c.strategy_id')})`,
    );
    await ws.insert(
      orphan.actions,
      `SELECT c.id FROM ${src.actions} c WHERE c.${LIVE} AND NOT ${liveNonOrphan('action_plans', 'c.action_plan_id')}`,
    );
    // Orphans are live and rule 1 selected soft-deleted rows only: the two never overlap.
    for (const kind of Object.keys(orphan) as (keyof typeof orphan)[]) {
      await ws.insert(this.tables[kind], `SELECT id FROM ${orphan[kind]}`);
    }
  }

  /**
   * Rules 2 and 7: the soft-deleted descendants of every selected object, through every link.
   * The links only go from a kind to later kinds, so one pass in KINDS order reaches the closure.
   */
  private async close(): Promise<void> {
    for (const kind of KINDS) {
      for (const link of LINKS.filter((l) => l.child === kind)) {
        await this.ws.insertIgnore(
          this.tables[kind],
          `SELECT c.id FROM ${this.src[kind]} c JOIN ${this.tables[link.parent]} p ON p.id = c.${link.column} WHERE c.${SOFT_DELETED}`,
        );
      }
    }
  }

  /**
   * Rule 8: drops every selected object that still has a child outside the selection, and so (the
   * children are settled first, in reverse KINDS order) every selected ancestor of such an object.
   * Returns how many objects of each kind were kept back.
   */
  async makeSafe(): Promise<Counts> {
    const before = await this.counts();
    for (const kind of [...KINDS].reverse()) {
      for (const link of LINKS.filter((l) => l.parent === kind)) {
        await this.ws.run(
          `DELETE FROM ${this.tables[kind]} WHERE id IN (SELECT c.${link.column} FROM ${this.src[link.child]} c ` +
            `LEFT JOIN ${this.tables[link.child]} x ON x.id = c.id WHERE x.id IS NULL AND c.${link.column} IS NOT NULL)`,
        );
      }
    }
    return subtract(before, await this.counts());
  }

  /**
   * Rule 5: the reference's per-goal groups (a selected goal, its selected strategies, the audit
   * templates of the goal or of those strategies, the audits of the goal, their action plans and
   * their actions), taken in goal id order while the running total stays within `max`. The
   * selection becomes the union of the groups taken; what else was selected is dropped.
   */
  async limitToGroups(max: number): Promise<number[]> {
    const ws = this.ws;
    const t = this.tables;
    const src = this.src;
    const rows = async (sql: string) => ws.run<Record<string, string | number | null>[]>(sql);
    const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

    const goals = (await rows(`SELECT id FROM ${t.goals} ORDER BY id`)).map((r) => Number(r.id));
    const size = new Map<number, number>(goals.map((g) => [g, 1]));
    const add = (goal: number | null, n: number) => {
      if (goal !== null && size.has(goal)) size.set(goal, size.get(goal)! + n);
    };
    const perGoal = async (sql: string) => {
      for (const r of await rows(sql)) add(num(r.goal), Number(r.n));
    };
    await perGoal(`SELECT c.goal_id AS goal, COUNT(*) AS n FROM ${src.strategies} c JOIN ${t.strategies} x ON x.id = c.id GROUP BY c.goal_id`);
    await perGoal(`SELECT c.goal_id AS goal, COUNT(*) AS n FROM ${src.audits} c JOIN ${t.audits} x ON x.id = c.id GROUP BY c.goal_id`);
    await perGoal(
      `SELECT a.goal_id AS goal, COUNT(*) AS n FROM ${src.action_plans} c JOIN ${t.action_plans} x ON x.id = c.id ` +
        `JOIN ${src.audits} a ON a.id = c.audit_id JOIN ${t.audits} xa ON xa.id = a.id GROUP BY a.goal_id`,
    );
    await perGoal(
      `SELECT a.goal_id AS goal, COUNT(*) AS n FROM ${src.actions} c JOIN ${t.actions} x ON x.id = c.id ` +
        `JOIN ${src.action_plans} p ON p.id = c.action_plan_id JOIN ${t.action_plans} xp ON xp.id = p.id ` +
        `JOIN ${src.audits} a ON a.id = p.audit_id JOIN ${t.audits} xa ON xa.id = a.id GROUP BY a.goal_id`,
    );
    // An audit template belongs to its goal's group and to its (selected) strategy's goal's group.
    const templates = (
      await rows(
        `SELECT c.goal_id AS g1, CASE WHEN ${isSet('c.strategy_id')} AND xs.id IS NOT NULL THEN s.goal_id END AS g2, COUNT(*) AS n ` +
          `FROM ${src.audit_templates} c JOIN ${t.audit_templates} x ON x.id = c.id ` +
          `LEFT JOIN ${src.strategies} s ON s.id = c.strategy_id LEFT JOIN ${t.strategies} xs ON xs.id = c.strategy_id ` +
          `GROUP BY c.goal_id, CASE WHEN ${isSet('c.strategy_id')} AND xs.id IS NOT NULL THEN s.goal_id END`,
      )
    ).map((r) => ({ g1: num(r.g1), g2: num(r.g2), n: Number(r.n) }));
    for (const { g1, g2, n } of templates) {
      add(g1, n);
      if (g2 !== g1) add(g2, n);
    }

    // As the reference: a group fits when its own size plus the objects taken so far stays within
    // max (an audit template shared with a group already taken counts in both), else stop.
    const taken = new Set<number>();
    let total = 0;
    for (const goal of goals) {
      const groupSize = size.get(goal)!;
      if (groupSize + total > max) break;
      let shared = 0;
      for (const { g1, g2, n } of templates) {
        if (g1 === g2) continue;
        if ((g1 === goal && g2 !== null && taken.has(g2)) || (g2 === goal && g1 !== null && taken.has(g1))) shared += n;
      }
      taken.add(goal);
      total += groupSize - shared;
    }

    const sub = await ws.createSet('grp');
    for (const goal of taken) await ws.run(`INSERT INTO ${sub.goals} (id) VALUES (${ws.dialect.placeholder(1)})`, [goal]);
    const pick = (kind: Kind, join: string, where = '') =>
      ws.insertIgnore(sub[kind], `SELECT c.id FROM ${src[kind]} c JOIN ${t[kind]} x ON x.id = c.id ${join} ${where}`);
    await pick('strategies', `JOIN ${sub.goals} g ON g.id = c.goal_id`);
    await pick('audit_templates', `JOIN ${sub.goals} g ON g.id = c.goal_id`);
    await pick('audit_templates', `JOIN ${sub.strategies} s ON s.id = c.strategy_id`, `WHERE ${isSet('c.strategy_id')}`);
    await pick('audits', `JOIN ${sub.goals} g ON g.id = c.goal_id`);
    await pick('action_plans', `JOIN ${sub.audits} a ON a.id = c.audit_id`);
    await pick('actions', `JOIN ${sub.action_plans} p ON p.id = c.action_plan_id`);
    this.tables = sub;
    return [...taken];
  }
}

export { emptyCounts, withTotal };
