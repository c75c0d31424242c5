import { dataSourceOptions } from '../connection/data-source-options';
import { loadTypeorm } from '../connection/typeorm-load';
import { DEFAULT_LOCK_POLICY, LockPolicy } from '../connection/lock-policy';
import { ConnectionSpec } from '../connection/url';
import { Dialect, dialectFor } from '../dialect';
import { RevisionError } from '../errors';
import { RevisionChain } from '../script/chain';
import { sqlComment } from '../script/comment-text';
import { downgradeSteps, resolveTarget, revisionsBelow, stepLabel, upgradeSteps } from '../script/plan';
import type { VersionChange } from '../script/heads';
import { Direction } from './migrate';
import { createOfflineRunner } from './offline-runner';
import { VERSION_TABLE } from './version-table';

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
  const steps = direction === 'upgrade' ? upgradeSteps(chain, from, to) : downgradeSteps(chain, from, to);
  const dialect = dialectFor(spec.backend);
  const { DataSource } = loadTypeorm();
  const offline = createOfflineRunner(new DataSource(dataSourceOptions(spec)), dialect);

  // Rebuild in memory the schema at FROM, so TypeORM can render changes to existing tables.
  for (const revision of revisionsBelow(chain, from)) await revision.up(offline.runner);

  const out: string[] = [];
  const emit = (sql: string) => out.push(`${sql};`);
  dialect.lockWaitStatements(lockPolicy.timeoutSeconds).forEach(emit);
  dialect.scriptOpening().forEach(emit);
  if (from === null && direction === 'upgrade') {
    for (const sql of dialect.createTable(VERSION_TABLE)) emit(sql);
  }
  for (const step of steps) {
    // Comment lines whatever the message (or a hand-written id) holds: a line break in it must not
    // put the rest of it on a line of its own, where the client would run it as a statement.
    out.push('', sqlComment(`Running ${stepLabel(direction, step)}, ${step.revision.message}`));
    offline.statements = [];
    offline.recording = true;
    await (step.direction === 'up' ? step.revision.up(offline.runner) : step.revision.down(offline.runner));
    offline.recording = false;
    offline.statements.forEach(emit);
    step.changes.forEach((change) => emit(versionUpdate(dialect, change)));
  }
  out.push('');
  dialect.scriptClosing().forEach(emit);
  return out.join('\n') + '\n';
}

/** A row change of alembic_version (heads.ts) as the statement the online run sends for it. */
function versionUpdate(dialect: Dialect, change: VersionChange): string {
  const table = dialect.quote(VERSION_TABLE.name);
  const quoted = (v: string) => dialect.stringLiteral(v);
  if ('insert' in change) return `INSERT INTO ${table} (version_num) VALUES (${quoted(change.insert)})`;
  if ('delete' in change) return `DELETE FROM ${table} WHERE version_num = ${quoted(change.delete)}`;
  return `UPDATE ${table} SET version_num = ${quoted(change.update.to)} WHERE version_num = ${quoted(change.update.from)}`;
}
