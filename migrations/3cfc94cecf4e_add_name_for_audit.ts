/**
 * Add name for audit.
 *
 * Upstream: 3cfc94cecf4e_add_name_for_audit.py. Its docstring says "Revises: d098df6021e2", but its
 * down_revision (what Alembic follows, and so do we) is d09a5945e4a0. Existing audits get their
 * names in the next revision, a86240e89a29.
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, column, dropColumn, sa } from '../src/portable';

export const revision = defineRevision({
  id: '3cfc94cecf4e',
  parent: 'd09a5945e4a0',
  message: 'add name for audit',
  created: '2017-07-19T15:44:57.661099',

  async up(db) {
    await addColumn(db, 'audits', column('name', sa.String(63)));
  },

  async down(db) {
    await dropColumn(db, 'audits', 'name');
  },
});
