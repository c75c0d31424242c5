import { Session } from '../connection/session';
import { RevisionChain } from '../script/chain';
import { inTransaction, withRunner } from '../runtime/transaction';
import { VersionTable } from '../runtime/version-table';
import { runGuardFor, whileHolding } from '../runtime/run-guard';

export interface StampResult {
  from: string | null;
  to: string | null;
}

/**
 * Writes a revision into alembic_version without running any revision, e.g. to adopt a database
 * whose schema is known to match. `target` is an id, a unique prefix, `head` or `base`.
 */
export async function stamp(session: Session, chain: RevisionChain, target: string, options: { purge?: boolean } = {}): Promise<StampResult> {
  const to = chain.resolve(target);
  return withRunner(session, async (runner) => {
    // Under the run lock, as upgrade: a stamp and an upgrade through two nodes must not interleave.
    return whileHolding(runGuardFor(runner, session, 'stamp'), () =>
      inTransaction(runner, async () => {
        const table = new VersionTable(runner, session.dialect);
        // --purge, as Alembic's: whatever the table holds (several rows, an unknown id) is erased first,
        // which is how an operator repairs a damaged alembic_version with the tool itself.
        const from = options.purge ? await table.erase() : await table.current();
        session.log.info(`Running stamp_revision ${from ?? ''} -> ${to ?? ''}`);
        await table.write(options.purge ? null : from, to);
        return { from, to };
      }),
    );
  });
}
