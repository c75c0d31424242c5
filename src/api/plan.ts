import type { Session } from '../connection/session';
import { classifySteps, planSteps, tablesToEstimate } from '../plan/build';
import { loadStatementReader } from '../sql/reader';
import { estimateRows } from '../plan/estimate-rows';
import { recordSteps } from '../runtime/record';
import type { Plan } from '../plan/types';
import type { Direction } from '../runtime/migrate';
import { withRunner } from '../runtime/transaction';
import { preflight } from '../runtime/preflight';
import type { RevisionChain } from '../script/chain';
import { downgradeSteps, upgradeSteps } from '../script/plan';
import { versionValue } from '../script/heads';

export type { Plan, PlanStatement, PlanStep } from '../plan/types';

/**
 * `upgrade --plan` / `downgrade --plan`: what the run would do, statement by statement, and what each
 * statement costs on this server (its locks, whether it rewrites or reads the table, the table's
 * rows), without changing anything: the database is only read (its version, its catalog, row
 * estimates); the statements come from the pending revisions run on the offline runner, as `--sql`
 * gets them, and the range is resolved from the database's version as the run resolves it.
 */
export async function plan(session: Session, chain: RevisionChain, direction: Direction, target: string): Promise<Plan> {
  const { dialect, spec } = session;
  return withRunner(session, async (runner) => {
    // The run's own checks, so that a plan is never shown for a run that would not start.
    const { found: state, to } = await preflight(runner, dialect, chain, direction, target);
    const current = state.heads;
    const steps = direction === 'upgrade' ? upgradeSteps(chain, current, to) : downgradeSteps(chain, current, to);

    const recorded = await recordSteps(spec, dialect, chain, current, steps, { createVersionTable: !state.exists });
    const classified = classifySteps(dialect.backend, await loadStatementReader(runner, dialect.backend), recorded);
    const rows = await estimateRows(runner, dialect, tablesToEstimate(classified));
    return { from: versionValue(current), to, steps: planSteps(classified, rows) };
  });
}
