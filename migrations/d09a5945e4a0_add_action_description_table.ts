/**
 * Add action description table.
 *
 * Upstream: d09a5945e4a0_add_action_description_table.py. One description per action type.
 */
import { defineRevision } from '../src/script/revision';
import { column, createTable, dropTable, sa, softDeleteMixinColumns } from '../src/portable';

export const revision = defineRevision({
  id: 'd09a5945e4a0',
  parent: 'd098df6021e2',
  message: 'add action description table',
  created: '2017-07-13T20:33:01.473711',

  async up(db) {
    await createTable(db, {
      name: 'action_descriptions',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('action_type', sa.String(255), { nullable: false }),
        column('description', sa.String(255), { nullable: false }),
      ],
      primaryKey: ['id'],
      // Singular "action_description" in the name, as upstream spells it.
      uniques: [{ name: 'uniq_action_description0action_type', columns: ['action_type'] }],
    });
  },

  async down(db) {
    await dropTable(db, 'action_descriptions');
  },
});
