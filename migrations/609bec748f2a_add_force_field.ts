/**
 * Add force field to audits.
 *
 * Upstream: 609bec748f2a_add_force_field.py, `sa.Column('force', sa.Boolean, default=False)`. That
 * default is applied by SQLAlchemy when Watcher inserts a row, not by the database: the column is a
 * plain nullable boolean with no server default, and existing audits get NULL. (The model declares
 * it NOT NULL; the chain never made it so, and neither do we.)
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, column, dropColumn, sa } from '../src/portable';

export const revision = defineRevision({
  id: '609bec748f2a',
  parent: '4b16194c56bc',
  message: 'add_force_field',
  created: '2019-05-05T14:06:14.249124',

  async up(db) {
    await addColumn(db, 'audits', column('force', sa.Boolean));
  },

  async down(db) {
    await dropColumn(db, 'audits', 'force');
  },
});
