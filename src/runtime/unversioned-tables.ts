import type { QueryRunner } from 'typeorm';
import { DatabaseStateError } from '../errors';

/**
 * The tables the revision chain creates from base, except apscheduler_jobs: Watcher's scheduler may
 * create that one itself, and revision 0f6042416884 skips it when it exists.
 */
const CHAIN_TABLES = [
  'goals', 'scoring_engines', 'services', 'strategies', 'audit_templates', 'audits',
  'action_plans', 'actions', 'efficacy_indicators', 'action_descriptions',
];

/**
 * An upgrade from base must start from a database without Watcher's tables: one that has them but
 * no revision (made by hand, or a failed copy) would fail half way, at the first CREATE TABLE. This
 * refuses it before anything is written, saying how to adopt such a schema.
 */
export async function refuseUnversionedWatcherTables(runner: QueryRunner): Promise<void> {
  const found: string[] = [];
  for (const table of CHAIN_TABLES) if (await runner.hasTable(table)) found.push(table);
  if (found.length > 0) {
    throw new DatabaseStateError(
      `The database has Watcher tables (${found.join(', ')}) but no revision in alembic_version; ` +
        "upgrade needs an empty database or one under version control (use 'stamp' to adopt an existing schema)",
    );
  }
}
