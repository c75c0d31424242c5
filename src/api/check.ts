import { Session } from '../connection/session';
import { SchemaOperation } from '../operations';
import { RevisionChain } from '../script/chain';
import { diffDatabase, DiffOptions } from './autogenerate';

export interface CheckResult {
  /** True when the database matches the entities. */
  upToDate: boolean;
  operations: SchemaOperation[];
}

/** `check`: would `revision --autogenerate` write anything? For the CI of projects that change entities. */
export async function checkDatabase(session: Session, chain: RevisionChain, options: DiffOptions = {}): Promise<CheckResult> {
  const operations = await diffDatabase(session, chain, options);
  return { upToDate: operations.length === 0, operations };
}

/** An operation as data: its kind, its fields, and the line that describes it. */
export function operationData(op: SchemaOperation): Record<string, unknown> {
  return { kind: op.kind, ...JSON.parse(JSON.stringify(op)), description: op.describe() };
}
