import { Session } from '../connection/session';
import { LockPolicy } from '../connection/lock-policy';
import { migrate, MigrateOptions, MigrateResult } from '../runtime/migrate';
import { RevisionChain } from '../script/chain';
import { parseConnectionUrl } from '../connection/url';
import { offlineScript } from '../runtime/offline';

export type { MigrateOptions, MigrateResult } from '../runtime/migrate';

/** `upgrade [--revision R]`: to head unless told otherwise. */
export function upgrade(session: Session, chain: RevisionChain, target = 'head', options: MigrateOptions = {}): Promise<MigrateResult> {
  return migrate(session, chain, 'upgrade', target, options);
}

/** `downgrade [--revision R]`: to base unless told otherwise, as the reference does. */
export function downgrade(session: Session, chain: RevisionChain, target = 'base', options: MigrateOptions = {}): Promise<MigrateResult> {
  return migrate(session, chain, 'downgrade', target, options);
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
