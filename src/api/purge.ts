import { DEFAULT_LOCK_POLICY, LockPolicy, retryOnLockConflict } from '../connection/lock-policy';
import { DriverSession } from '../connection/session';
import { currentVersion } from './version';
import { UsageError, UserError } from '../errors';
import { BatchPlan, planBatches } from '../purge/batches';
import { buildCheckIndexes, dropLeftoverIndexes } from '../purge/check-indexes';
import { galeraBatchSize } from '../purge/galera-batch-size';
import { underClusterRunLock } from '../runtime/run-guard';
import { checkKeysOurselves } from '../purge/sqlite-keys';
import { serverChecksKeys } from '../purge/server-keys';
import { DeleteContext, DeleteProgress, Deleted, DeletedSoFar, deleteInBatches, deleteSelection, describeDeleted } from '../purge/delete';
import { Counts, KINDS, Kind, emptyCounts, subtract, withTotal } from '../purge/kinds';
import { Selection, SelectionRules } from '../purge/selection';
import { Sources, readSnapshot } from '../purge/snapshot';
import { ChildRowsSince, childRowsSince } from '../purge/sqlite-batch-guards';
import { Workspace } from '../purge/workspace';
import { writeLockTurns } from '../connection/write-lock-turns';

export type { Counts } from '../purge/kinds';

export interface PurgeOptions {
  /** -d: only objects soft deleted more than this many days ago (0 or undefined: all, as the reference). */
  ageInDays?: number;
  /** -n: at most this many objects; more asks `confirmUpToMax` (a dry run does not ask: it counts what a yes would delete). */
  maxNumber?: number;
  /** -t: uuid or name of a soft-deleted goal. */
  goal?: string;
  /** -e: leave live orphans alone. */
  excludeOrphans?: boolean;
  /** --dry-run: select and count, delete nothing. */
  dryRun?: boolean;
  /**
   * --batch-size: delete in transactions of at most this many rows (see batches.ts) instead of one
   * transaction. Undefined: one transaction, except on a Galera node, where purge picks a size
   * within the cluster's write-set limits and small enough not to stall the other nodes (galera.ts).
   */
  batchSize?: number;
  /** How long a statement may wait for a service's lock, and how often a transaction that lost is run again. */
  lock?: LockPolicy;
  /** The clock, for tests. */
  now?: Date;
}

/** The questions the reference asks; the core never prints or reads, the caller answers. */
export interface PurgeHooks {
  /**
   * More objects than --max-number: delete whole per-goal groups up to it? `counts` is everything
   * selected. Never asked in a dry run, which shows what the answer yes would delete.
   */
  confirmUpToMax?(counts: Counts, maxNumber: number): Promise<boolean>;
  /** Delete `counts` (`kept` were held back by the safety rule)? Never asked in a dry run. */
  confirm?(counts: Counts, kept: Counts): Promise<boolean>;
  /** What the purge is doing, for a progress display. */
  progress?(event: PurgeProgress): void;
}

export type PurgeProgress =
  /** A selection step begins. */
  | { stage: 'selecting'; step: string }
  /**
   * One transaction: all `rows` of `table` were deleted. `deleted` is the total so far and `planned`
   * what was set for deletion, counted as the result's `counts.total` and `efficacyIndicators`.
   */
  | { stage: 'deleting'; table: string; rows: number; deleted: DeletedSoFar; planned: DeletedSoFar }
  /** In batches: batch number `batch` of `batches` was committed, with `rows` rows (efficacy indicators included). */
  | { stage: 'deleting'; batch: number; batches: number; rows: number; deleted: DeletedSoFar; planned: DeletedSoFar }
  /** Deleting is over, everything committed: `deleted` is the result's `counts.total` and `efficacyIndicators`. */
  | { stage: 'deleted'; deleted: DeletedSoFar; planned: DeletedSoFar };

export type { DeletedSoFar } from '../purge/delete';

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
  /**
   * What was really deleted (the statements' row counts) when purged; otherwise what would be: the
   * safe selection, within --max-number.
   */
  counts: Counts;
  /** What was set for deletion (the safe selection); differs from `counts` when others changed the rows meanwhile. */
  planned: Counts;
  /**
   * Of `planned`, what was not deleted: rows already gone (a concurrent purge, a service), and rows
   * still there because rows added since the selection reference them.
   */
  notDeleted: { alreadyGone: Counts; stillReferenced: Counts };
  /** Everything the rules selected, before --max-number and the safety rule. */
  selected: Counts;
  /** Objects the safety rule kept because rows that are not purged still depend on them. */
  kept: Counts;
  /** More objects were selected than --max-number: `counts` are the whole goal groups within it. */
  overMax: boolean;
  /** Goals whose groups were taken under --max-number (ids), when it applied. */
  goalsWithinMax?: number[];
  /**
   * Efficacy indicators deleted with their action plans (statement row counts) when purged;
   * otherwise, as `counts`, those that would be: the indicators of the action plans in `counts`.
   */
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

/**
 * Checks what can be checked before connecting: the reference's "Limit should be positive". These
 * are usage errors (exit 2): the values are wrong whatever the database holds.
 */
export function validatePurgeOptions(options: PurgeOptions): void {
  if (options.maxNumber !== undefined && options.maxNumber < 0) {
    throw new UsageError(`Limit should be positive (--max-number ${options.maxNumber})`);
  }
  if (options.batchSize !== undefined && !(Number.isSafeInteger(options.batchSize) && options.batchSize > 0)) {
    throw new UsageError(`--batch-size must be a positive number of rows (got ${options.batchSize})`);
  }
  if (options.ageInDays !== undefined && options.ageInDays < 0) {
    // The reference would take a date in the future and purge everything soft deleted.
    throw new UsageError(`--age-in-days must not be negative (got ${options.ageInDays})`);
  }
  if (options.ageInDays !== undefined && !Number.isFinite(options.ageInDays)) {
    throw new UsageError(`--age-in-days must be a number of days (got ${options.ageInDays})`);
  }
}

/**
 * Purges soft-deleted Watcher objects as the reference selects them (rules 1-6 of the spec), closed
 * over every link and made safe (rules 7-8), and deleted children first: in one transaction, or in
 * batches with `batchSize` and always on a Galera node.
 */
export async function purge(session: DriverSession, options: PurgeOptions = {}, hooks: PurgeHooks = {}): Promise<PurgeResult> {
  validatePurgeOptions(options);
  // A dry run changes nothing, so it never waits for another run.
  if (options.dryRun) return purgeNow(session, options, hooks);
  return underClusterRunLock(session, 'purge', () => purgeNow(session, options, hooks));
}

async function purgeNow(session: DriverSession, options: PurgeOptions, hooks: PurgeHooks): Promise<PurgeResult> {
  const excludeOrphans = Boolean(options.excludeOrphans);
  const ws = new Workspace(session.sql, session.dialect, writeLockTurns(session.spec, (sql) => session.sql.query(sql)));
  // Purge reads the columns every revision has had; a database no revision was applied to (no
  // Watcher tables, or someone else's tables of the same names) is refused before any query of ours.
  const version = await currentVersion(session);
  if (version.revision === null) {
    throw new UserError(
      `the database has no Watcher schema (${version.underVersionControl ? 'alembic_version is at base' : 'no alembic_version table'}): run upgrade (or create_schema) first`,
    );
  }
  const lock = options.lock ?? DEFAULT_LOCK_POLICY;
  const log = session.log;
  try {
    await ws.prepare(lock);
    const goalUuid = options.goal === undefined ? undefined : await resolveGoal(ws, options.goal);
    const now = options.now ?? new Date();
    const cutoff = options.ageInDays ? new Date(now.getTime() - options.ageInDays * DAY_MS) : undefined;
    log.verbose(
      `Purge: age_in_days=${options.ageInDays ?? 'None'} max_number=${options.maxNumber ?? 'None'} ` +
        `goal=${options.goal ?? 'None'} exclude_orphans=${excludeOrphans} dry_run=${Boolean(options.dryRun)}`,
    );

    // Everything purge decides is read from one snapshot, before any question is asked: so the
    // -n groups and the batch plan are made even if the answer turns out to be no.
    const step = (name: string) => hooks.progress?.({ stage: 'selecting', step: name });
    const rules = { cutoff, goalUuid, excludeOrphans };
    // A snapshot can lose to a lock too: SQLite's readers wait while a writer commits, and many
    // writers in a row can hold a reader off for longer than the lock timeout. Read it again then.
    const decision = await retryOnLockConflict({ policy: lock, log, what: 'reading the selection', outcome: 'no row was deleted' }, async () => {
      const mark = ws.mark();
      try {
        return await readSnapshot(ws, { deletedAt: cutoff !== undefined, uuid: goalUuid !== undefined }, (src) => decide(ws, src, rules, options, step, session));
      } catch (error) {
        await ws.dropSince(mark);
        throw error;
      }
    });
    const { selected, kept, counts, overMax } = decision;
    log.verbose(`Selected ${selected.total} objects (expired, related${excludeOrphans ? '' : ', orphans'} and their soft-deleted descendants)`);
    const base = { selected, excludeOrphans, overMax, transactions: 0, notDeleted: nothingMissing() };

    // A dry run asks nothing: over --max-number it goes on as the answer yes would, to show what that deletes.
    if (overMax && !options.dryRun) {
      const upToMax = hooks.confirmUpToMax ? await hooks.confirmUpToMax(selected, options.maxNumber!) : false;
      if (!upToMax) {
        return { ...base, outcome: 'declined-max', counts: emptyCounts(), planned: emptyCounts(), kept: emptyCounts(), efficacyIndicators: 0 };
      }
    }
    if (kept.total > 0) log.verbose(`Kept ${kept.total} selected objects that rows not purged still depend on`);
    // Until rows are deleted, the counts are the decision's: what the deletes would remove.
    const result = { ...base, counts, planned: counts, kept, goalsWithinMax: decision.goalsWithinMax, efficacyIndicators: decision.efficacyIndicators };

    if (options.dryRun) return { ...result, outcome: 'dry-run' };
    const go = counts.total > 0 && (hooks.confirm ? await hooks.confirm(counts, kept) : false);
    if (!go) {
      // Nothing to delete: still, an index an interrupted purge left goes, so the schema is the reference's.
      await dropLeftoverIndexes(ws, lock, log);
      return { ...result, outcome: counts.total === 0 ? 'nothing' : 'declined' };
    }
    const planned = { objects: counts.total, efficacyIndicators: decision.efficacyIndicators };
    const progress: DeleteProgress = (event) => hooks.progress?.({ stage: 'deleting', ...event });
    const guards = (await serverChecksKeys(ws)) ? 'after a violation' : 'always';
    const deleted = await deleteDecided({ ws, lock, log, progress, planned, galera: session.galera, guards, since: decision.since }, decision);
    hooks.progress?.({ stage: 'deleted', deleted: { objects: deleted.counts.total, efficacyIndicators: deleted.efficacyIndicators }, planned });
    return { ...result, outcome: 'purged', ...deleted };
  } finally {
    await ws.dispose();
  }
}

interface Decision {
  /** kind -> temporary table of the ids to delete */
  tables: Record<Kind, string>;
  selected: Counts;
  overMax: boolean;
  goalsWithinMax?: number[];
  kept: Counts;
  counts: Counts;
  /** The efficacy indicators of the action plans in `counts`. */
  efficacyIndicators: number;
  plan?: BatchPlan;
  /** On SQLite, what the deletes' guards read (sqlite-batch-guards.ts). */
  since?: ChildRowsSince;
}

/** Rules 1-8 on the snapshot `src`, and the batch plan when deleting in batches. */
async function decide(
  ws: Workspace,
  src: Sources,
  rules: SelectionRules,
  options: PurgeOptions,
  step: (name: string) => void,
  session: Pick<DriverSession, 'galera' | 'log'>,
): Promise<Decision> {
  const selection = await Selection.build(ws, src, rules, step);
  const selected = await selection.counts();
  const overMax = options.maxNumber !== undefined && selected.total > options.maxNumber;
  let goalsWithinMax: number[] | undefined;
  if (overMax) {
    step('goal groups within the maximum');
    goalsWithinMax = await selection.limitToGroups(options.maxNumber!);
  }
  step('objects that rows not purged depend on');
  const kept = await selection.makeSafe();
  const counts = await selection.counts();
  const efficacyIndicators = await selection.efficacyIndicators();
  let plan: BatchPlan | undefined;
  const batchSize = options.dryRun || counts.total === 0 ? undefined : await chooseBatchSize(ws, session, options.batchSize);
  if (batchSize !== undefined) {
    step('batches');
    plan = await planBatches(ws, src, selection.tables, batchSize);
  }
  const since = options.dryRun || counts.total === 0 ? undefined : await childRowsSince(ws, src, selection.tables);
  return { tables: selection.tables, selected, overMax, goalsWithinMax, kept, counts, efficacyIndicators, plan, since };
}

/**
 * Rows per transaction: --batch-size, or undefined for one transaction. On a Galera node there is
 * always a size: one large transaction would go over wsrep_max_ws_rows, or stall every other node
 * while they apply it (galera-batch-size.ts).
 */
async function chooseBatchSize(ws: Workspace, session: Pick<DriverSession, 'galera' | 'log'>, explicit?: number): Promise<number | undefined> {
  if (!session.galera) return explicit;
  const chosen = await galeraBatchSize(ws, session.galera, explicit);
  if (chosen.lowered) session.log.warning(chosen.lowered);
  session.log.verbose(chosen.note);
  return chosen.size;
}

/**
 * Deletes what was decided, in one transaction or in the planned batches, between building the
 * key-check indexes and dropping them; says what was set for deletion but not deleted.
 */
async function deleteDecided(
  context: DeleteContext,
  decision: Decision,
): Promise<Pick<PurgeResult, 'counts' | 'efficacyIndicators' | 'transactions' | 'notDeleted'>> {
  const { ws, log } = context;
  const { counts, plan } = decision;
  const planned = describeDeleted(context.planned);
  const dropIndexes = await buildCheckIndexes(ws, context.lock, log, await checkKeysOurselves(ws));
  let deleted: Deleted & { transactions: number };
  try {
    if (plan === undefined) {
      log.verbose(`Deleting ${planned} in one transaction`);
      deleted = { ...(await deleteSelection(context, decision.tables)), transactions: 1 };
    } else {
      log.verbose(`Deleting ${planned} (${plan.rows} rows) in ${plan.count} transactions of at most ${plan.size} rows`);
      deleted = await deleteInBatches(context, plan);
    }
  } finally {
    await dropIndexes().catch((error) => log.warning(`Could not drop purge's indexes (${(error as Error).message}); the next purge drops them`));
  }
  const notDeleted = await shortfall(ws, decision.tables, counts, deleted.counts);
  const missing = counts.total - deleted.counts.total;
  if (missing > 0) {
    log.warning(
      `${missing} of the ${counts.total} objects set for deletion were not deleted: ` +
        `${notDeleted.alreadyGone.total} were already gone (a concurrent purge or a service deleted them), ` +
        `${notDeleted.stillReferenced.total} are referenced by rows added since the selection and were kept`,
    );
  }
  return { ...deleted, notDeleted };
}

function nothingMissing(): PurgeResult['notDeleted'] {
  return { alreadyGone: emptyCounts(), stillReferenced: emptyCounts() };
}

/** Of what was planned and not deleted, how much is still there (kept by a guard) and how much was gone already. */
async function shortfall(ws: Workspace, tables: Record<Kind, string>, planned: Counts, deleted: Counts): Promise<PurgeResult['notDeleted']> {
  const stillReferenced = emptyCounts();
  for (const kind of KINDS) {
    if (deleted[kind] >= planned[kind]) continue;
    const [row] = await ws.run<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM ${ws.q(kind)} b JOIN ${tables[kind]} s ON s.id = b.id`);
    stillReferenced[kind] = Number(row.n);
  }
  const still = withTotal(stillReferenced);
  return { stillReferenced: still, alreadyGone: subtract(subtract(planned, deleted), still) };
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
