import { Session } from '../connection/session';
import { LockPolicy } from '../connection/lock-policy';
import { migrate, MigrateOptions, MigrateResult } from '../runtime/migrate';
import { RevisionChain } from '../script/chain';
import { parseConnectionUrl } from '../connection/url';
import { offlineScript } from '../runtime/offline';
import { withRunner } from '../runtime/transaction';
import { VersionTable } from '../runtime/version-table';
import { checkKnown, downgradeSteps, resolveTarget } from '../script/plan';
import { versionValue } from '../script/heads';
import type { DataLoss } from '../plan/dropped-data';

export type { MigrateOptions, MigrateResult } from '../runtime/migrate';
export type { DataLoss, DroppedData } from '../plan/dropped-data';

/** `upgrade [--revision R]`: to head unless told otherwise. */
export function upgrade(session: Session, chain: RevisionChain, target = 'head', options: MigrateOptions = {}): Promise<MigrateResult> {
  return migrate(session, chain, 'upgrade', target, options);
}

/** `downgrade [--revision R]`: to base unless told otherwise, as the reference does. */
export function downgrade(session: Session, chain: RevisionChain, target = 'base', options: MigrateOptions = {}): Promise<MigrateResult> {
  return migrate(session, chain, 'downgrade', target, options);
}

/**
 * What `downgrade` to `target` would lose now: the tables it drops with their rows, and the columns
 * with the rows where they hold a value (a column of NULLs loses nothing). Only reads: the version,
 * the catalog, and capped counts. `drops` is empty when the downgrade loses no data, or when
 * `unknown` says why that cannot be told.
 */
export async function downgradeDataLoss(session: Session, chain: RevisionChain, target = 'base'): Promise<DataLoss> {
  return withRunner(session, async (runner) => {
    const current = (await new VersionTable(runner, session.dialect).readHeads()).heads;
    checkKnown(chain, current);
    const to = resolveTarget(chain, current, target);
    const { dataLossOf } = require('../plan/dropped-data') as typeof import('../plan/dropped-data'); // not loaded by upgrade
    return { from: versionValue(current), to, ...(await dataLossOf(runner, session, chain, current, downgradeSteps(chain, current, to))) };
  });
}

/**
 * `upgrade --sql [FROM:]TO` / `downgrade --sql FROM:TO`: the script, for the URL's backend, without
 * connecting. It starts by bounding lock waits as the online run does.
 */
export function migrationScript(
  url: string,
  chain: RevisionChain,
  direction: 'upgrade' | 'downgrade',
  range: string,
  lockPolicy?: LockPolicy,
): Promise<string> {
  return offlineScript(parseConnectionUrl(url), chain, direction, range, lockPolicy);
}
