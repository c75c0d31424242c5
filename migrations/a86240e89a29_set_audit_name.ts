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
 * One set-based UPDATE computes the names on the server (src/portable/datetime-text.ts has
 * str(datetime) in SQL, equal to what a row-by-row read of the timestamp as text gave), applied in key
 * ranges that each commit on their own on PostgreSQL and MySQL (src/portable/batched-update.ts; on
 * SQLite they stay in the revision's transaction), so that Watcher's services are never held up by
 * more than one range's row locks; a run killed half way is finished by a rerun, which names only what
 * is still unnamed. `--sql` writes the same UPDATE once, without the ranges.
 *
 * Upstream's downgrade means to set every name back to NULL and, for the same reason, does nothing.
 * Ours does nothing on purpose: the names are data the operator may have changed since, and
 * 3cfc94cecf4e's downgrade drops the column anyway.
 */
import { defineRevision } from '../src/script/revision';
import { Backend, batchedUpdate, pythonDatetimeSql } from '../src/portable';
import type { BatchedUpdateDef } from '../src/portable';

const NAME_LENGTH = 63;

export const revision = defineRevision({
  id: 'a86240e89a29',
  parent: '3cfc94cecf4e',
  message: 'Set name for Audit as part of backward compatibility',
  created: '2017-12-21T13:00:09.278587',

  async up(db) {
    // Counting the unnamed audits is one plain scan; the few among them without an owner stay unnamed.
    await batchedUpdate(db, { table: 'audits', ...auditNaming(db.dialect.backend), todo: 'name IS NULL', what: 'naming audits' });
  },

  async down() {
    // Nothing to undo; see the header.
  },
});

/**
 * The naming as an UPDATE: the audits with no name whose strategy or goal row exists (soft-deleted or
 * not), named `<owner>-<str(created_at)>` with the owner cut so that the whole fits NAME_LENGTH
 * characters (code points, as VARCHAR(63) counts them on all three backends).
 */
function auditNaming(backend: Backend): Pick<BatchedUpdateDef, 'target' | 'set' | 'where'> {
  const created = pythonDatetimeSql(backend, 'audits.created_at');
  switch (backend) {
    case 'mysql': {
      // Joined, not looked up per row: measured on MariaDB, correlated subqueries here cost about as
      // much again as writing the row.
      const owner = 'COALESCE(s.name, g.name)';
      return {
        target: 'audits LEFT JOIN strategies s ON s.id = audits.strategy_id LEFT JOIN goals g ON g.id = audits.goal_id',
        set: `audits.name = CONCAT(SUBSTRING(${owner}, 1, ${NAME_LENGTH - 1} - CHAR_LENGTH(${created})), '-', ${created})`,
        where: `audits.name IS NULL AND ${owner} IS NOT NULL`,
      };
    }
    case 'postgres':
    case 'sqlite': {
      // PostgreSQL cannot LEFT JOIN the table it updates; its per-row lookups cost little here.
      const owner =
        'COALESCE((SELECT s.name FROM strategies s WHERE s.id = audits.strategy_id), ' +
        '(SELECT g.name FROM goals g WHERE g.id = audits.goal_id))';
      // Only SQLite can hold a timestamp longer than the column (any text can be stored): the owner
      // then gives way entirely, and SQLite, which does not enforce the length, keeps the rest.
      const room = `${NAME_LENGTH - 1} - length(${created})`;
      const name = `substr(${owner}, 1, ${backend === 'sqlite' ? `max(0, ${room})` : room}) || '-' || ${created}`;
      return { set: `name = ${name}`, where: `name IS NULL AND ${owner} IS NOT NULL` };
    }
  }
}
