import { Session } from '../connection/session';
import { SchemaOperation } from '../operations';
import { RevisionChain } from '../script/chain';
import type { AcceptedDrift, KnownDrift } from '../autogenerate/known-drift';
import { diffWithKnownDrift, DiffOptions } from './autogenerate';

export interface CheckResult {
  /** True when the database matches the entities, but for the known drift, and no entry of that list is stale. */
  upToDate: boolean;
  /** What a revision is missing. */
  operations: SchemaOperation[];
  /** Differences the known-drift list (entities/known-drift.ts) accepts. */
  known: AcceptedDrift[];
  /** Entries of that list that no longer differ: the list must lose them. */
  stale: KnownDrift[];
}

/** `check`: would `revision --autogenerate` write anything? For the CI of projects that change entities. */
export async function checkDatabase(session: Session, chain: RevisionChain, options: DiffOptions = {}): Promise<CheckResult> {
  const { unknown, known, stale } = await diffWithKnownDrift(session, chain, options);
  return { upToDate: unknown.length === 0 && stale.length === 0, operations: unknown, known, stale };
}

/** An operation as data: its kind, its fields, and the line that describes it. */
export function operationData(op: SchemaOperation): Record<string, unknown> {
  return { kind: op.kind, ...JSON.parse(JSON.stringify(op)), description: op.describe() };
}
