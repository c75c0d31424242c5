/** The six kinds of Watcher objects purge works on, parents before children (the reference's order). */
export const KINDS = ['goals', 'strategies', 'audit_templates', 'audits', 'action_plans', 'actions'] as const;
export type Kind = (typeof KINDS)[number];

/** Column titles of the reference's count table. */
export const LABELS: Record<Kind, string> = {
  goals: 'Goals',
  strategies: 'Strategies',
  audit_templates: 'Audit Templates',
  audits: 'Audits',
  action_plans: 'Action Plans',
  actions: 'Actions',
};

/** A foreign key between two purged kinds: `child.column` references `parent.id`. */
export interface Link {
  child: Kind;
  column: string;
  parent: Kind;
}

/** Every foreign key between the purged kinds (efficacy indicators go with their action plan). */
export const LINKS: readonly Link[] = [
  { child: 'strategies', column: 'goal_id', parent: 'goals' },
  { child: 'audit_templates', column: 'goal_id', parent: 'goals' },
  { child: 'audit_templates', column: 'strategy_id', parent: 'strategies' },
  { child: 'audits', column: 'goal_id', parent: 'goals' },
  { child: 'audits', column: 'strategy_id', parent: 'strategies' },
  { child: 'action_plans', column: 'audit_id', parent: 'audits' },
  { child: 'action_plans', column: 'strategy_id', parent: 'strategies' },
  { child: 'actions', column: 'action_plan_id', parent: 'action_plans' },
];

/** Every foreign key into a purged kind, the efficacy indicators' included: what deleting a parent checks. */
export const REFERENCES: readonly { child: string; column: string; parent: Kind }[] = [
  ...LINKS,
  { child: 'efficacy_indicators', column: 'action_plan_id', parent: 'action_plans' },
];

export type Counts = Record<Kind, number> & { total: number };

export function emptyCounts(): Counts {
  return { goals: 0, strategies: 0, audit_templates: 0, audits: 0, action_plans: 0, actions: 0, total: 0 };
}

export function withTotal(counts: Record<Kind, number>): Counts {
  return { ...counts, total: KINDS.reduce((sum, k) => sum + counts[k], 0) };
}

/** Per kind `a - b`. */
export function subtract(a: Counts, b: Counts): Counts {
  const out = emptyCounts();
  for (const k of KINDS) out[k] = a[k] - b[k];
  return withTotal(out);
}
