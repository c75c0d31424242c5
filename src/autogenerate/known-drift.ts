import type { KnownDrift } from '../../entities/known-drift';
import { SchemaOperation } from '../operations';
import { Backend } from '../portable/backend';

export type { KnownDrift } from '../../entities/known-drift';

/** A detected operation that the known-drift list accepts, with the list's reason. */
export interface AcceptedDrift {
  operation: SchemaOperation;
  reason: string;
}

export interface DriftSplit {
  /** What a revision is missing: the operations no entry accepts. */
  unknown: SchemaOperation[];
  known: AcceptedDrift[];
  /** Entries for this backend that no longer differ: the list must lose them. */
  stale: KnownDrift[];
}

/**
 * Splits detected operations into those the known-drift list accepts and the rest, and finds the
 * entries that no longer differ. An entry matches the line check prints for an operation.
 *
 * When no entry of the backend matches at all, the database was not built by the revisions (but
 * by create_schema, from the entities, or with the drift applied): the list does not describe it,
 * and no entry is called stale for it. An entry goes stale when the revisions stop building its
 * drift while the others remain, which is how a revision that fixes one of them shows.
 */
export function splitKnownDrift(operations: SchemaOperation[], backend: Backend, list: KnownDrift[]): DriftSplit {
  const entries = list.filter((e) => !e.backends || e.backends.includes(backend));
  const byLine = new Map(entries.map((e) => [e.operation, e]));
  const known: AcceptedDrift[] = [];
  const unknown: SchemaOperation[] = [];
  const matched = new Set<KnownDrift>();
  for (const operation of operations) {
    const entry = byLine.get(operation.describe());
    if (entry) {
      known.push({ operation, reason: entry.reason });
      matched.add(entry);
    } else {
      unknown.push(operation);
    }
  }
  const stale = matched.size === 0 ? [] : entries.filter((e) => !matched.has(e));
  return { unknown, known, stale };
}
