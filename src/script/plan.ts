import { DatabaseStateError, RevisionError } from '../errors';
import { RevisionChain } from './chain';
import { parentsOf, Revision } from './revision';

/** One revision to run, in one direction, and the version it leaves the database at. */
export interface Step {
  revision: Revision;
  direction: 'up' | 'down';
  from: string | null;
  to: string | null;
}

/** Checks that the database's revision is one the chain knows; running from an unknown one would guess. */
export function checkKnown(chain: RevisionChain, current: string | null): void {
  if (current !== null && !chain.get(current)) {
    throw new DatabaseStateError(
      `The database is at revision '${current}', which is not in this tool's revision chain (made by a newer Watcher?); nothing was changed`,
    );
  }
}

/**
 * Resolves a target as users write it: an id, a unique prefix, `head`, `base`, or a step count
 * relative to the current revision (`+2`, `-1`).
 */
export function resolveTarget(chain: RevisionChain, current: string | null, spec: string): string | null {
  const relative = /^([+-])(\d+)$/.exec(spec.trim());
  if (!relative) return chain.resolve(spec);
  const count = Number(relative[2]);
  const lineage = current === null ? [] : chain.lineage(current).map((r) => r.id);
  if (relative[1] === '-') {
    if (count > lineage.length) {
      throw new RevisionError(`Relative revision ${spec} goes below base: the database is ${lineage.length} revision(s) above it`);
    }
    return lineage.length - count === 0 ? null : lineage[lineage.length - count - 1];
  }
  let id = current;
  for (let i = 0; i < count; i++) {
    const next = [...chain.revisions.values()].filter((r) => (id === null ? parentsOf(r).length === 0 : parentsOf(r).includes(id)));
    if (next.length === 0) throw new RevisionError(`Relative revision ${spec} goes beyond head: only ${i} revision(s) above the current one`);
    if (next.length > 1) throw new RevisionError(`Relative revision ${spec} is ambiguous: the chain branches at ${id ?? 'base'}`);
    id = next[0].id;
  }
  return id;
}

/** The revisions that take `from` up to `to`, oldest first. */
export function upgradeSteps(chain: RevisionChain, from: string | null, to: string | null): Step[] {
  const path = to === null ? [] : chain.lineage(to);
  const start = from === null ? 0 : path.findIndex((r) => r.id === from) + 1;
  if (from !== null && start === 0) {
    throw new RevisionError(`Revision ${to ?? 'base'} is not above the current revision ${from}; use 'downgrade' to go back`);
  }
  return path.slice(start).map((revision) => ({ revision, direction: 'up' as const, from: parentsOf(revision)[0] ?? null, to: revision.id }));
}

/** The revisions to undo to take `from` down to `to`, newest first. */
export function downgradeSteps(chain: RevisionChain, from: string | null, to: string | null): Step[] {
  const path = from === null ? [] : chain.lineage(from);
  const stop = to === null ? 0 : path.findIndex((r) => r.id === to) + 1;
  if (to !== null && stop === 0) {
    throw new RevisionError(`Revision ${to} is not below the current revision ${from ?? 'base'}; use 'upgrade' to go forward`);
  }
  return path
    .slice(stop)
    .reverse()
    .map((revision) => ({ revision, direction: 'down' as const, from: revision.id, to: parentsOf(revision)[0] ?? null }));
}
