/**
 * Add hostname field to both Audit and Action Plan models.
 *
 * Upstream: 52804f2498c4_add_hostname.py. The host of the decision engine that handles the object.
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, column, dropColumn, sa } from '../src/portable';

const TABLES = ['audits', 'action_plans'];

export const revision = defineRevision({
  id: '52804f2498c4',
  parent: 'a86240e89a29',
  message: 'Add hostname field to both Audit and Action Plan models',
  created: '2018-06-26T13:06:45.530387',

  async up(db) {
    for (const name of TABLES) await addColumn(db, name, column('hostname', sa.String(255)));
  },

  async down(db) {
    for (const name of TABLES) await dropColumn(db, name, 'hostname');
  },
});
