import { DEFAULT_LOCK_POLICY, LockPolicy } from '../connection/lock-policy';
import { ConnectionSpec } from '../connection/url';
import { dialectFor } from '../dialect';
import { RevisionError } from '../errors';
import { RevisionChain } from '../script/chain';
import { sqlComment } from '../script/comment-text';
import { resolveTarget, stepLabel } from '../script/plan';
import { Direction } from './migrate';
import { recordSteps } from './record';

/** The revision range of an offline run: `[FROM:]TO`. */
export function parseRange(chain: RevisionChain, direction: Direction, range: string): { from: string | null; to: string | null } {
  const parts = range.split(':');
  if (parts.length > 2 || parts.some((p) => p.trim() === '' && parts.length === 2)) {
    throw new RevisionError(`'${range}' is not a revision range; write FROM:TO (e.g. 609bec748f2a:head)`);
  }
  if (parts.length === 1) {
    if (direction === 'downgrade') {
      throw new RevisionError('downgrade --sql needs FROM:TO: without a database there is no current revision to start from');
    }
    return { from: null, to: resolveTarget(chain, null, parts[0]) };
  }
  const from = chain.resolve(parts[0]);
  return { from, to: resolveTarget(chain, from, parts[1]) };
}

/**
 * The SQL script that moves a database of the URL's backend over `range`, version updates included,
 * without connecting to it (Alembic's offline mode). PostgreSQL and SQLite get the whole script in one
 * transaction; SQLite turns foreign keys off around it, as the online run does for table rebuilds.
 * It opens with the lock policy's session settings, so that a script run by hand against a live
 * database waits for the services' locks no longer than the tool would (it cannot retry, though).
 */
export async function offlineScript(
  spec: ConnectionSpec,
  chain: RevisionChain,
  direction: Direction,
  range: string,
  lockPolicy: LockPolicy = DEFAULT_LOCK_POLICY,
): Promise<string> {
  const { from, to } = parseRange(chain, direction, range);
  const dialect = dialectFor(spec.backend);
  const recorded = await recordSteps(spec, dialect, chain, direction, from, to, { createVersionTable: from === null && direction === 'upgrade' });

  const out: string[] = [];
  const emit = (sql: string) => out.push(`${sql};`);
  const write = (s: { sql: string; note?: true }) => (s.note ? out.push(sqlComment(s.sql)) : emit(s.sql));
  dialect.lockWaitStatements(lockPolicy.timeoutSeconds).forEach(emit);
  if (dialect.scriptCannot) out.push(sqlComment(dialect.scriptCannot));
  dialect.scriptOpening().forEach(emit);
  for (const { step, statements } of recorded) {
    // The version table, where the script makes it, before the first revision's comment.
    statements.filter((s) => s.createsVersionTable).forEach((s) => emit(s.sql));
    // Comment lines whatever the message (or a hand-written id) holds: a line break in it must not
    // put the rest of it on a line of its own, where the client would run it as a statement.
    out.push('', sqlComment(`Running ${stepLabel(direction, step)}, ${step.revision.message}`));
    statements.filter((s) => !s.createsVersionTable).forEach(write);
  }
  out.push('');
  dialect.scriptClosing().forEach(emit);
  return out.join('\n') + '\n';
}
