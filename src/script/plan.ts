import { DatabaseStateError, RevisionError } from '../errors';
import { RevisionChain } from './chain';
import { applyChanges, Heads, headsOf, versionChanges, VersionChange, versionText } from './heads';
import { parentsOf, Revision } from './revision';

/** One revision to run, in one direction, and what it does to alembic_version. */
export interface Step {
  revision: Revision;
  direction: 'up' | 'down';
  /** The revision(s) the step leaves, for the log: its parents going up (several for a merge), itself going down. */
  from: string[];
  /** The revision(s) it reaches: itself going up, its parents going down. */
  to: string[];
  /** The database's heads before and after the step. */
  before: Heads;
  after: Heads;
  /** The rows it changes in alembic_version, as Alembic would (heads.ts). */
  changes: VersionChange[];
}

/** `upgrade A -> B` / `downgrade M -> B, C`, as the runs log a step (Alembic's wording). */
export function stepLabel(direction: 'upgrade' | 'downgrade', step: Step): string {
  return `${direction} ${step.from.join(', ')} -> ${step.to.join(', ')}`;
}

/**
 * Checks that the database's revisions are ones the chain knows (running from an unknown one would
 * guess) and that they are heads of separate branches: a row below another is damage, which Alembic
 * never writes.
 */
export function checkKnown(chain: RevisionChain, current: Heads | string | null): void {
  const heads = headsOf(current);
  for (const id of heads) {
    if (!chain.get(id)) {
      throw new DatabaseStateError(
        `The database is at revision '${id}', which is not in this tool's revision chain (made by a newer Watcher?); nothing was changed: ` +
          `use the tool that made it, or 'stamp --purge REVISION' once the schema is known to match REVISION`,
      );
    }
  }
  checkSeparate(chain, heads);
}

/** Several rows must be heads of separate branches; one below another is a damaged alembic_version. */
export function checkSeparate(chain: RevisionChain, heads: Heads): void {
  for (const id of heads) {
    const above = heads.find((other) => other !== id && chain.get(other) && chain.ancestors(other).has(id));
    if (above) {
      throw new DatabaseStateError(
        `alembic_version holds ${heads.length} revisions (${versionText(heads)}), and ${id} is below ${above}: the table is damaged; ` +
          `nothing was changed: 'stamp --purge REVISION' repairs it`,
      );
    }
  }
}

/**
 * Resolves a target as users write it: an id, a unique prefix, `head`, `base`, or a step count
 * relative to the current revision (`+2`, `-1`), which needs the database on one branch.
 */
export function resolveTarget(chain: RevisionChain, current: Heads | string | null, spec: string): string | null {
  const relative = /^([+-])(\d+)$/.exec(spec.trim());
  if (!relative) return chain.resolve(spec);
  const heads = headsOf(current);
  if (heads.length > 1) {
    throw new RevisionError(`Relative revision ${spec} is ambiguous: the database is on ${heads.length} branches (${versionText(heads)}); give a revision id`);
  }
  const count = Number(relative[2]);
  let id: string | null = heads[0] ?? null;
  for (let i = 0; i < count; i++) {
    if (relative[1] === '-') {
      if (id === null) throw new RevisionError(`Relative revision ${spec} goes below base: the database is ${i} revision(s) above it`);
      const parents = parentsOf(chain.get(id)!);
      if (parents.length > 1) throw new RevisionError(`Relative revision ${spec} is ambiguous: ${id} merges ${parents.join(', ')}; give a revision id`);
      id = parents[0] ?? null;
    } else {
      const next = chain.childrenOf(id);
      if (next.length === 0) throw new RevisionError(`Relative revision ${spec} goes beyond head: only ${i} revision(s) above the current one`);
      if (next.length > 1) throw new RevisionError(`Relative revision ${spec} is ambiguous: the chain branches at ${id ?? 'base'}; give a revision id`);
      id = next[0].id;
    }
  }
  return id;
}

/** The revisions a database at `current` has, parents first: to rebuild its schema offline. */
export function revisionsBelow(chain: RevisionChain, current: Heads | string | null): Revision[] {
  const have = applied(chain, headsOf(current));
  return chain.topological().filter((r) => have.has(r.id));
}

/** Every revision at or below one of the heads: what the database has. */
function applied(chain: RevisionChain, heads: Heads): Set<string> {
  const out = new Set<string>();
  for (const head of heads) for (const id of chain.ancestors(head)) out.add(id);
  return out;
}

/**
 * The revisions that take the database from `current` up to `to`, oldest first (parents before
 * children): those below `to` it does not have. A database on one branch goes through the other one
 * and then the merge.
 */
export function upgradeSteps(chain: RevisionChain, current: Heads | string | null, to: string | null): Step[] {
  let heads = headsOf(current);
  const have = applied(chain, heads);
  if (to !== null && have.has(to) && !heads.includes(to)) {
    throw new RevisionError(`Revision ${to} is not above the current revision ${versionText(heads)}; use 'downgrade' to go back`);
  }
  const wanted = to === null ? new Set<string>() : chain.ancestors(to);
  return chain
    .topological()
    .filter((r) => wanted.has(r.id) && !have.has(r.id))
    .map((revision) => {
      const changes = versionChanges(chain, heads, revision, 'up');
      const step: Step = { revision, direction: 'up', from: parentsOf(revision), to: [revision.id], before: heads, after: applyChanges(heads, changes), changes };
      heads = step.after;
      return step;
    });
}

/**
 * The revisions to undo to take the database from `current` down to `to`, newest first: those it has
 * above `to` (all of them for base). As Alembic's downgrade, a revision of another branch, not above
 * `to`, stays: from a merge down to one of its parents, the database is left on both branches.
 */
export function downgradeSteps(chain: RevisionChain, current: Heads | string | null, to: string | null): Step[] {
  let heads = headsOf(current);
  const have = applied(chain, heads);
  if (to !== null && !have.has(to)) {
    throw new RevisionError(`Revision ${to} is not below the current revision ${versionText(heads)}; use 'upgrade' to go forward`);
  }
  const above = to === null ? undefined : chain.descendants(to);
  return chain
    .newestFirst()
    .filter((r) => have.has(r.id) && r.id !== to && (above === undefined || above.has(r.id)))
    .map((revision) => {
      const changes = versionChanges(chain, heads, revision, 'down');
      const step: Step = { revision, direction: 'down', from: [revision.id], to: parentsOf(revision), before: heads, after: applyChanges(heads, changes), changes };
      heads = step.after;
      return step;
    });
}
