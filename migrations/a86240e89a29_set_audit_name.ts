/**
 * Set name for Audit as part of backward compatibility.
 *
 * Upstream: a86240e89a29_.py (no slug). It means to give every audit that has no name (all of them:
 * 3cfc94cecf4e just added the column) the name `<strategy name>-<created_at>`, but it changes no row:
 * its filter `models.Audit.name is None` is a Python expression, evaluated once to False, not SQL.
 * Here it really does it:
 * - name = `<strategy name>-<created_at>`, created_at written as Python's str(datetime) writes it
 *   (`YYYY-MM-DD HH:MM:SS`, plus `.ffffff` when the microseconds are not zero);
 * - an audit without a strategy uses its goal's name (upstream would have crashed on those);
 * - soft-deleted strategies and goals count, as upstream's query does not filter them out;
 * - a NULL created_at gives `...-None`, as str(None) would; an audit whose strategy and goal are both
 *   missing (only possible where foreign keys were not enforced) keeps its NULL name;
 * - names must fit the column's 63 characters (PostgreSQL and strict MySQL refuse longer ones, and a
 *   strategy name may itself be 63 long): when too long, the strategy or goal name is shortened, not
 *   the timestamp, which is what tells an owner's audits apart.
 *
 * The rows are read in batches of BATCH by ascending id, timestamps formatted by the server (see
 * src/portable/datetime-text.ts), and updated one by one with bound parameters, so memory stays
 * bounded and the same code runs on the three backends.
 *
 * Upstream's downgrade means to set every name back to NULL and, for the same reason, does nothing.
 * Ours does nothing on purpose: the names are data the operator may have changed since, and
 * 3cfc94cecf4e's downgrade drops the column anyway.
 */
import { defineRevision } from '../src/script/revision';
import { Backend, backendOf, datetimeAsText, isOffline, placeholder, pythonDatetimeText } from '../src/portable';

const BATCH = 500;
const NAME_LENGTH = 63;

interface UnnamedAudit {
  id: number | string;
  strategy_name: string | null;
  goal_name: string | null;
  created_at: unknown;
}

export const revision = defineRevision({
  id: 'a86240e89a29',
  parent: '3cfc94cecf4e',
  message: 'Set name for Audit as part of backward compatibility',
  created: '2017-12-21T13:00:09.278587',

  async up(queryRunner) {
    const backend = backendOf(queryRunner);
    if (isOffline(queryRunner)) {
      // A script cannot read rows first: the same naming as one set-based statement.
      await queryRunner.query(setBasedUpdate(backend));
      return;
    }
    const p = (n: number) => placeholder(backend, n);
    const select =
      `SELECT a.id AS id, s.name AS strategy_name, g.name AS goal_name, ` +
      `${datetimeAsText(backend, 'a.created_at')} AS created_at ` +
      `FROM audits a LEFT JOIN strategies s ON s.id = a.strategy_id LEFT JOIN goals g ON g.id = a.goal_id ` +
      `WHERE a.name IS NULL AND a.id > ${p(1)} ORDER BY a.id LIMIT ${BATCH}`;
    const update = `UPDATE audits SET name = ${p(1)} WHERE id = ${p(2)}`;

    // Audits left unnamed on purpose are behind `after`, so each batch makes progress.
    let after = 0;
    for (;;) {
      const rows = (await queryRunner.query(select, [after])) as UnnamedAudit[];
      for (const row of rows) {
        const name = auditName(row);
        if (name !== null) await queryRunner.query(update, [name, row.id]);
      }
      if (rows.length < BATCH) break;
      after = Number(rows[rows.length - 1].id);
    }
  },

  async down() {
    // Nothing to undo; see the header.
  },
});

function auditName(row: UnnamedAudit): string | null {
  const owner = row.strategy_name ?? row.goal_name;
  if (owner === null) return null;
  const suffix = `-${pythonDatetimeText(row.created_at)}`;
  // Counted in characters (code points), as VARCHAR(63) counts them.
  const room = Math.max(0, NAME_LENGTH - Array.from(suffix).length);
  return Array.from(owner).slice(0, room).join('') + suffix;
}

/** str(created_at) as Python prints it, computed by the server: no `.ffffff` when it is zero. */
function pythonDatetimeSql(backend: Backend, expr: string): string {
  switch (backend) {
    case 'postgres':
      return `CASE WHEN ${expr} IS NULL THEN 'None' WHEN to_char(${expr}, 'US') = '000000' THEN to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS') ELSE to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS.US') END`;
    case 'mysql':
      return `CASE WHEN ${expr} IS NULL THEN 'None' WHEN MICROSECOND(${expr}) = 0 THEN DATE_FORMAT(${expr}, '%Y-%m-%d %H:%i:%s') ELSE DATE_FORMAT(${expr}, '%Y-%m-%d %H:%i:%s.%f') END`;
    case 'sqlite': {
      // SQLite holds the text its writer stored, `YYYY-MM-DD HH:MM:SS[.ffffff]`.
      const date = `substr(${expr}, 1, 10) || ' ' || substr(${expr}, 12, 8)`;
      const fraction = `substr(substr(${expr}, 21) || '000000', 1, 6)`;
      return `CASE WHEN ${expr} IS NULL THEN 'None' WHEN rtrim(substr(${expr}, 21), '0') = '' THEN ${date} ELSE ${date} || '.' || ${fraction} END`;
    }
  }
}

/** The offline form of `up`: every unnamed audit with a strategy or goal, named in one UPDATE. */
function setBasedUpdate(backend: Backend): string {
  const owner =
    'COALESCE((SELECT s.name FROM strategies s WHERE s.id = audits.strategy_id), ' +
    '(SELECT g.name FROM goals g WHERE g.id = audits.goal_id))';
  const suffix = pythonDatetimeSql(backend, 'audits.created_at');
  const name =
    backend === 'mysql'
      ? `CONCAT(SUBSTRING(${owner}, 1, ${NAME_LENGTH - 1} - CHAR_LENGTH(${suffix})), '-', ${suffix})`
      : `substr(${owner}, 1, ${NAME_LENGTH - 1} - length(${suffix})) || '-' || ${suffix}`;
  return `UPDATE audits SET name = ${name} WHERE name IS NULL AND ${owner} IS NOT NULL`;
}
