import { WATCHER_ENTITIES } from '../../entities';
import { annotate, Annotation, Annotator } from '../autogenerate/annotation';
import { compareSchemas } from '../autogenerate/compare';
import { dataLossAnnotator } from '../autogenerate/data-loss';
import { describeDatabase } from '../autogenerate/describe';
import { renameHints } from '../autogenerate/rename-hints';
import { ColumnRename } from '../autogenerate/renames';
import { renderRevisionBody } from '../autogenerate/render';
import { Session } from '../connection/session';
import { DatabaseStateError, UsageError } from '../errors';
import { SchemaOperation } from '../operations';
import { Backend, backendOf } from '../portable/backend';
import { AcceptedDrift, DriftSplit, KnownDrift, splitKnownDrift } from '../autogenerate/known-drift';
import { KNOWN_DRIFT } from '../../entities/known-drift';
import { RevisionChain } from '../script/chain';
import { newRevisionDir } from '../script/new-revision-dir';
import { withRunner } from '../runtime/transaction';
import { VersionTable } from '../runtime/version-table';
import { checkKnown } from '../script/plan';
import { versionText } from '../script/heads';
import { createRevision, RevisionOptions, RevisionResult } from './revision';
import { entitySchema } from './create-schema';

export interface DiffOptions {
  /** The entity classes to compare with; Watcher's models by default. */
  entities?: Function[];
  /** Columns renamed in the entities, to rename (keeping their data) rather than drop and add. */
  renames?: ColumnRename[];
  /** The accepted differences between the entities and the revisions; entities/known-drift.ts by default. */
  knownDrift?: KnownDrift[];
}

/** Where the annotations of a generated revision come from; each is a module of its own. */
const ANNOTATORS: Annotator[] = [dataLossAnnotator, renameHints];

export interface Diff {
  operations: SchemaOperation[];
  /** Known drift (entities/known-drift.ts) the revision leaves out; empty with includeKnownDrift. */
  knownDrift: AcceptedDrift[];
  /** What the developer must read about some of them (see annotation.ts); empty for `check`. */
  annotations: Annotation[];
}

/**
 * What it takes to bring the database to the entities, as operations. The database must be at the
 * chain's head: a diff against an older schema would repeat what the missing revisions do.
 */
export async function diffDatabase(session: Session, chain: RevisionChain, options: DiffOptions = {}): Promise<SchemaOperation[]> {
  return (await readDiff(session, chain, options, [])).operations;
}

/**
 * The diff split by the known-drift list (see known-drift.ts): what a revision is missing, what the
 * list accepts, and the entries that no longer differ. For `check`.
 */
export async function diffWithKnownDrift(session: Session, chain: RevisionChain, options: DiffOptions = {}): Promise<DriftSplit> {
  const { operations, backend } = await readDiff(session, chain, options, []);
  return splitKnownDrift(operations, backend, options.knownDrift ?? KNOWN_DRIFT);
}

async function readDiff(
  session: Session,
  chain: RevisionChain,
  options: DiffOptions,
  annotators: Annotator[],
): Promise<{ operations: SchemaOperation[]; annotations: Annotation[]; backend: Backend }> {
  const wanted = await entitySchema(options.entities ?? WATCHER_ENTITIES);
  const head = chain.revisions.size === 0 ? null : chain.head().id;
  return withRunner(session, async (runner) => {
    const { heads: current } = await new VersionTable(runner, session.dialect).readHeads();
    // Each hint names a command that works from there: an id this chain lacks is one upgrade refuses too.
    checkKnown(chain, current);
    const atHead = head === null ? current.length === 0 : current.length === 1 && current[0] === head;
    if (!atHead) {
      const where = current.length > 1 ? `on ${current.length} branches (${versionText(current)})` : `at ${versionText(current)}`;
      throw new DatabaseStateError(`Target database is not up to date: it is ${where}, the head is ${head ?? 'base'}; run 'upgrade' first`);
    }
    const live = await describeDatabase(runner);
    const backend = backendOf(runner);
    const operations = compareSchemas(backend, wanted, live, options.renames);
    return { operations, annotations: await annotate(runner, operations, annotators), backend };
  });
}

export interface AutogenerateResult extends RevisionResult, Diff {}

/**
 * `revision -m MSG --autogenerate`: a revision whose `up` brings the database to the entities and
 * whose `down` undoes exactly that, written with the portable kit so it runs on every backend and
 * offline. Nothing is written when the database is not at head.
 */
export async function autogenerateRevision(
  session: Session,
  chain: RevisionChain,
  options: RevisionOptions & DiffOptions & { includeKnownDrift?: boolean },
): Promise<AutogenerateResult> {
  if (!options.message.trim()) throw new UsageError('A revision needs a message: revision -m "what it changes" --autogenerate');
  // Before the database is read: an installation that cannot take the file says so at once.
  const dir = newRevisionDir(options.migrationsDir);
  const found = await readDiff(session, chain, options, ANNOTATORS);
  const split = splitKnownDrift(found.operations, found.backend, options.includeKnownDrift ? [] : (options.knownDrift ?? KNOWN_DRIFT));
  const left = new Set(split.unknown);
  const diff: Diff = {
    operations: split.unknown,
    knownDrift: split.known,
    annotations: found.annotations.filter((a) => left.has(a.operation)),
  };
  const body = renderRevisionBody(diff.operations, dir, diff.annotations);
  return { ...createRevision(chain, { ...options, body }), ...diff };
}
