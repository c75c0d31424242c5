/**
 * Add start and end time to audits.
 *
 * Upstream: 4b16194c56bc_add_start_end_time.py. The window in which a continuous audit may run.
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, column, dropColumn, sa } from '../src/portable';

export const revision = defineRevision({
  id: '4b16194c56bc',
  parent: '52804f2498c4',
  message: 'add_start_end_time',
  created: '2018-03-23T00:36:29.031259',

  async up(db) {
    await addColumn(db, 'audits', column('start_time', sa.DateTime));
    await addColumn(db, 'audits', column('end_time', sa.DateTime));
  },

  async down(db) {
    await dropColumn(db, 'audits', 'start_time');
    await dropColumn(db, 'audits', 'end_time');
  },
});
