/**
 * Add cron support for audit table.
 *
 * Upstream: d098df6021e2_cron_support_for_audit.py. It means to let audits.interval hold a cron
 * expression, and writes `alter_column('audits', 'interval', existing_type=String(36), nullable=True)`,
 * which only states nullability. What the reference therefore does (and what we reproduce):
 * - MySQL restates the column: `interval` becomes varchar(36) NULL, values converted to text;
 * - PostgreSQL only drops NOT NULL (it was nullable already): the column stays integer;
 * - SQLite: the reference fails here (no ALTER COLUMN). We rebuild the table with interval
 *   VARCHAR(36), like MySQL and like the model, keeping every row, key and index.
 * See alterColumnNullability in src/portable for how this maps onto TypeORM.
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, alterColumnNullability, column, dropColumn, sa } from '../src/portable';

export const revision = defineRevision({
  id: 'd098df6021e2',
  parent: '0f6042416884',
  message: 'Add cron support for audit table',
  created: '2017-06-08T16:21:35.746752',

  async up(db) {
    await alterColumnNullability(db, 'audits', 'interval', sa.String(36), true);
    await addColumn(db, 'audits', column('next_run_time', sa.DateTime));
  },

  async down(db) {
    // Upstream: alter_column(existing_type=Integer, nullable=True) and drop next_run_time. MySQL
    // restates interval as int(11) NULL (a cron expression would not convert: MySQL refuses such a
    // downgrade, as the reference does); PostgreSQL's DROP NOT NULL changes nothing; SQLite
    // rebuilds the table with interval INTEGER again.
    await alterColumnNullability(db, 'audits', 'interval', sa.Integer, true);
    await dropColumn(db, 'audits', 'next_run_time');
  },
});
