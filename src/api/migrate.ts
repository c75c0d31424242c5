import { Session } from '../connection/session';
import { LockPolicy } from '../connection/lock-policy';
import { migrate, MigrateOptions, MigrateResult } from '../runtime/migrate';
import { RevisionChain } from '../script/chain';
import { parseConnectionUrl } from '../connection/url';
import { offlineScript } from '../runtime/offline';
import { withRunner } from '../runtime/transaction';
import { VersionTable } from '../runtime/version-table';
import { checkKnown, resolveTarget } from '../script/plan';
import { versionValue } from '../script/heads';
import type { DataLoss } from '../plan/dropped-data';

export type { MigrateOptions, MigrateResult } from '../runtime/migrate';
export type { DataLoss, DroppedData } from '../plan/dropped-data';

/** `upgrade [--revision R]`: to head unless told otherwise. */
export function upgrade(session: Session, chain: RevisionChain, target = 'head', options: MigrateOptions = {}): Promise<MigrateResult> {
  return migrate(session, chain, 'upgrade', target, options);
}

export interface DowngradeOptions extends Omit<MigrateOptions, 'approveDowngrade'> {
  /**
   * Asked, before anything is changed, when the revisions would drop tables or columns that hold
   * rows, or when that cannot be told; false stops the run there, with nothing changed. Without it,
   * nothing is counted or asked (the API's behaviour before, and the reference's).
   */
  confirmDataLoss?: (loss: DataLoss) => Promise<boolean>;
}

/** `downgrade [--revision R]`: to base unless told otherwise, as the reference does. */
export function downgrade(session: Session, chain: RevisionChain, target = 'base', options: DowngradeOptions = {}): Promise<MigrateResult> {
  const { confirmDataLoss, ...rest } = options;
  if (!confirmDataLoss) return migrate(session, chain, 'downgrade', target, rest);
  return migrate(session, chain, 'downgrade', target, {
    ...rest,
    approveDowngrade: async (runner, from, to) => {
      // Loaded only here: it replays the revisions offline through the plan's recorder.
      const { dataLossOf, losesData } = require('../plan/dropped-data') as typeof import('../plan/dropped-data');
      const loss = { from: versionValue(from), to, ...(await dataLossOf(runner, session, chain, from, to)) };
      return !losesData(loss) || confirmDataLoss(loss);
    },
  });
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
    return { from: versionValue(current), to, ...(await dataLossOf(runner, session, chain, current, to)) };
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
