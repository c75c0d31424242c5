import { DriverSession } from '../connection/session';
import { currentVersion } from './version';
import { UserError } from '../errors';
import { planBatches } from '../purge/batches';
import { deleteInBatches, deleteSelection } from '../purge/delete';
import { Counts, emptyCounts } from '../purge/kinds';
import { Selection } from '../purge/selection';
import { Workspace } from '../purge/workspace';

export type { Counts } from '../purge/kinds';

export interface PurgeOptions {
  /** -d: only objects soft deleted more than this many days ago (0 or undefined: all, as the reference). */
  ageInDays?: number;
  /** -n: at most this many objects; more asks `confirmUpToMax`. */
  maxNumber?: number;
  /** -t: uuid or name of a soft-deleted goal. */
  goal?: string;
  /** -e: leave live orphans alone. */
  excludeOrphans?: boolean;
  /** --dry-run: select and count, delete nothing. */
  dryRun?: boolean;
  /**
   * --batch-size: delete in transactions of about this many rows, each made of whole subtrees,
   * instead of one transaction (for Galera's write-set limits). Undefined: one transaction.
   */
  batchSize?: number;
  /** The clock, for tests. */
  now?: Date;
}

/** The questions the reference asks; the core never prints or reads, the caller answers. */
export interface PurgeHooks {
  /** More objects than --max-number: delete whole per-goal groups up to it? `counts` is everything selected. */
  confirmUpToMax?(counts: Counts, maxNumber: number): Promise<boolean>;
  /** Delete `counts` (`kept` were held back by the safety rule)? */
  confirm?(counts: Counts, kept: Counts): Promise<boolean>;
  /** What the purge is doing, for a progress display. */
  progress?(event: PurgeProgress): void;
}

export type PurgeProgress =
  /** A selection step begins. */
  | { stage: 'selecting'; step: string }
  /** One transaction: all `rows` of `table` were deleted. */
  | { stage: 'deleting'; table: string; rows: number }
  /** In batches: batch number `batch` of `batches` was committed, with `rows` rows. */
  | { stage: 'deleting'; batch: number; batches: number; rows: number };

export type PurgeOutcome =
  /** rows were deleted */
  | 'purged'
  /** --dry-run */
  | 'dry-run'
  /** nothing matched */
  | 'nothing'
  /** the answer to Continue? was no */
  | 'declined'
  /** the answer to "delete up to the maximum?" was no */
  | 'declined-max';

export interface PurgeResult {
  outcome: PurgeOutcome;
  /** What is deleted (or would be): the safe selection, within --max-number. */
  counts: Counts;
  /** Everything the rules selected, before --max-number and the safety rule. */
  selected: Counts;
  /** Objects the safety rule kept because rows that are not purged still depend on them. */
  kept: Counts;
  /** Goals whose groups were taken under --max-number (ids), when it applied. */
  goalsWithinMax?: number[];
  /** Efficacy indicators deleted with their action plans. */
  efficacyIndicators: number;
  /** Transactions the deletion committed: 1, the number of batches, or 0 when nothing was deleted. */
  transactions: number;
  excludeOrphans: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** oslo's is_uuid_like: 32 hex digits once `urn:`, `uuid:`, braces and hyphens are taken out. */
export function isUuidLike(value: string): boolean {
  const hex = value.replace(/urn:/g, '').replace(/uuid:/g, '').replace(/^[{}]+|[{}]+$/g, '').replace(/-/g, '');
  return /^[0-9a-fA-F]{32}$/.test(hex);
}

/** Checks what can be checked before connecting: the reference's "Limit should be positive". */
export function validatePurgeOptions(options: PurgeOptions): void {
  if (options.maxNumber !== undefined && options.maxNumber < 0) {
    throw new UserError(`Limit should be positive (--max-number ${options.maxNumber})`);
  }
  if (options.batchSize !== undefined && !(Number.isSafeInteger(options.batchSize) && options.batchSize > 0)) {
    throw new UserError(`--batch-size must be a positive number of rows (got ${options.batchSize})`);
  }
  if (options.ageInDays !== undefined && options.ageInDays < 0) {
    // The reference would take a date in the future and purge everything soft deleted.
    throw new UserError(`--age-in-days must not be negative (got ${options.ageInDays})`);
  }
  if (options.ageInDays !== undefined && !Number.isFinite(options.ageInDays)) {
    throw new UserError(`--age-in-days must be a number of days (got ${options.ageInDays})`);
  }
}

/**
 * Purges soft-deleted Watcher objects as the reference selects them (rules 1-6 of the spec), closed
 * over every link and made safe (rules 7-8), and deleted in one transaction, children first.
 */
export async function purge(session: DriverSession, options: PurgeOptions = {}, hooks: PurgeHooks = {}): Promise<PurgeResult> {
  validatePurgeOptions(options);
  const excludeOrphans = Boolean(options.excludeOrphans);
  const ws = new Workspace(session.sql, session.dialect);
  // Purge reads the columns every revision has had; a database no revision was applied to (no
  // Watcher tables, or someone else's tables of the same names) is refused before any query of ours.
  const version = await currentVersion(session);
  if (version.revision === null) {
    throw new UserError(
      `the database has no Watcher schema (${version.underVersionControl ? 'alembic_version is at base' : 'no alembic_version table'}): run upgrade (or create_schema) first`,
    );
  }
  try {
    await ws.prepare();
    const goalUuid = options.goal === undefined ? undefined : await resolveGoal(ws, options.goal);
    const now = options.now ?? new Date();
    const cutoff = options.ageInDays ? new Date(now.getTime() - options.ageInDays * DAY_MS) : undefined;
    session.log.verbose(
      `Purge: age_in_days=${options.ageInDays ?? 'None'} max_number=${options.maxNumber ?? 'None'} ` +
        `goal=${options.goal ?? 'None'} exclude_orphans=${excludeOrphans} dry_run=${Boolean(options.dryRun)}`,
    );

    const step = (name: string) => hooks.progress?.({ stage: 'selecting', step: name });
    const selection = await Selection.build(ws, { cutoff, goalUuid, excludeOrphans }, step);
    const selected = await selection.counts();
    session.log.verbose(`Selected ${selected.total} objects (expired, related${excludeOrphans ? '' : ', orphans'} and their soft-deleted descendants)`);
    const base = { selected, excludeOrphans, efficacyIndicators: 0, transactions: 0 };

    let goalsWithinMax: number[] | undefined;
    if (options.maxNumber !== undefined && selected.total > options.maxNumber) {
      const upToMax = hooks.confirmUpToMax ? await hooks.confirmUpToMax(selected, options.maxNumber) : false;
      if (!upToMax) return { ...base, outcome: 'declined-max', counts: emptyCounts(), kept: emptyCounts() };
      step('goal groups within the maximum');
      goalsWithinMax = await selection.limitToGroups(options.maxNumber);
    }
    step('objects that rows not purged depend on');
    const kept = await selection.makeSafe();
    const counts = await selection.counts();
    if (kept.total > 0) session.log.verbose(`Kept ${kept.total} selected objects that rows not purged still depend on`);
    const result = { ...base, counts, kept, goalsWithinMax };

    if (options.dryRun) return { ...result, outcome: 'dry-run' };
    if (counts.total === 0) return { ...result, outcome: 'nothing' };
    const go = hooks.confirm ? await hooks.confirm(counts, kept) : false;
    if (!go) return { ...result, outcome: 'declined' };

    const progress = (event: { table: string; rows: number } | { batch: number; batches: number; rows: number }) =>
      hooks.progress?.({ stage: 'deleting', ...event });
    if (options.batchSize === undefined) {
      session.log.verbose(`Deleting ${counts.total} objects in one transaction`);
      const { efficacyIndicators } = await deleteSelection(ws, selection.tables, counts, progress);
      return { ...result, outcome: 'purged', efficacyIndicators, transactions: 1 };
    }
    const batches = await planBatches(ws, selection.tables, options.batchSize);
    session.log.verbose(`Deleting ${counts.total} objects in ${batches.count} transactions of about ${options.batchSize} rows`);
    const { efficacyIndicators } = await deleteInBatches(ws, batches, progress);
    return { ...result, outcome: 'purged', efficacyIndicators, transactions: batches.count };
  } finally {
    await ws.dispose();
  }
}

/** Rule 4: the goal (uuid or name) must name exactly one goal, and a soft-deleted one. */
async function resolveGoal(ws: Workspace, goal: string): Promise<string> {
  const column = isUuidLike(goal) ? 'uuid' : 'name';
  const rows = await ws.run<{ uuid: string; deleted_at: unknown }[]>(
    `SELECT uuid, deleted_at FROM goals WHERE ${column} = ${ws.dialect.placeholder(1)}`,
    [goal],
  );
  if (rows.length !== 1) throw new UserError(`Goal ${goal} could not be found`);
  if (rows[0].deleted_at === null || rows[0].deleted_at === undefined) {
    throw new UserError(`The Goal resource ${goal} is not soft deleted`);
  }
  return rows[0].uuid;
}
