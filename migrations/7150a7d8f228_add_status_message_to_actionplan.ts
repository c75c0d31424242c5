/**
 * Add status_message to Audits, ActionPlans and Actions.
 *
 * Upstream: 7150a7d8f228_add_status_message_to_actionplan.py. A human-readable reason for the
 * object's state. Upstream has no downgrade; ours drops the three columns again.
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, column, dropColumn, sa } from '../src/portable';

// In upstream's order, which is the order the columns are added in.
const TABLES = ['action_plans', 'actions', 'audits'];

export const revision = defineRevision({
  id: '7150a7d8f228',
  parent: '15f7375ca737',
  message: 'Add status_message to Audits, ActionPlans and Actions',
  created: '2025-07-03T11:57:05.875500',

  async up(db) {
    for (const name of TABLES) await addColumn(db, name, column('status_message', sa.String(255)));
  },

  async down(db) {
    for (const name of [...TABLES].reverse()) await dropColumn(db, name, 'status_message');
  },
});
