import type { AppliedRevision, MigrateResult } from '../runtime/migrate';
import { UsageError } from '../errors';

/**
 * What upgrade, downgrade, stamp and create_schema print with --json: the version before and after,
 * and the revisions the run ran. `applied` is empty when nothing changed, so a configuration tool
 * tells "changed" from "ok" with one test (the README has the Ansible form).
 */
export interface RunJson {
  /** null at base, an id, or the ids of the branches the database is on (several rows of alembic_version). */
  from: string | string[] | null;
  to: string | string[] | null;
  applied: AppliedRevision[];
  /** create_schema only: the tables it created. */
  tables?: string[];
}

/** The document for a migration run, with exactly the documented keys (no internals that MigrateResult may grow). */
export function migrateJson(result: MigrateResult): RunJson {
  return {
    from: result.from,
    to: result.to,
    applied: result.applied.map((a) => ({ id: a.id, direction: a.direction, seconds: a.seconds })),
  };
}

/** The description of the --json flag of upgrade and downgrade. */
export const MIGRATE_JSON_DESCRIPTION =
  'Print the result as one JSON document on stdout: {"from", "to", "applied": [{"id", "direction", "seconds"}]}; "applied" is [] when nothing changed. With --plan, the plan. Not with --sql.';

/**
 * --sql prints a script for someone to run later, not the outcome of a run: a JSON result would have
 * nothing true to say, and mixing it into the script would break the script. A usage error, before
 * anything is read.
 */
export function refuseJsonWithSql(json: boolean, sql: boolean): void {
  if (json && sql) throw new UsageError('--json cannot be combined with --sql: --sql prints an SQL script, not the result of a run');
}
