import { Session } from '../connection/session';
import { migrate, MigrateResult } from '../runtime/migrate';
import { RevisionChain } from '../script/chain';
import { parseConnectionUrl } from '../connection/url';
import { offlineScript } from '../runtime/offline';

/** `upgrade [--revision R]`: to head unless told otherwise. */
export function upgrade(session: Session, chain: RevisionChain, target = 'head'): Promise<MigrateResult> {
  return migrate(session, chain, 'upgrade', target);
}

/** `downgrade [--revision R]`: to base unless told otherwise, as the reference does. */
export function downgrade(session: Session, chain: RevisionChain, target = 'base'): Promise<MigrateResult> {
  return migrate(session, chain, 'downgrade', target);
}

/** `upgrade --sql [FROM:]TO` / `downgrade --sql FROM:TO`: the script, for the URL's backend, without connecting. */
export function migrationScript(url: string, chain: RevisionChain, direction: 'upgrade' | 'downgrade', range: string): Promise<string> {
  return offlineScript(parseConnectionUrl(url), chain, direction, range);
}
