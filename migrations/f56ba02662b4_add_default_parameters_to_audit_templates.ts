/**
 * Add default_parameters to audit_templates.
 *
 * Upstream: f56ba02662b4_add_default_parameters_to_audit_templates.py. Strategy parameters an audit
 * template hands to the audits created from it, JSON-encoded in a text column (JSONEncodedDict).
 * Upstream has no downgrade; ours drops the column again.
 */
import { defineRevision } from '../src/script/revision';
import { addColumn, column, dropColumn, sa } from '../src/portable';

export const revision = defineRevision({
  id: 'f56ba02662b4',
  parent: '7150a7d8f228',
  message: 'Add default_parameters to audit_templates',
  created: '2026-05-25T00:00:00.000000',

  async up(db) {
    await addColumn(db, 'audit_templates', column('default_parameters', sa.JSONEncodedDict));
  },

  async down(db) {
    await dropColumn(db, 'audit_templates', 'default_parameters');
  },
});
