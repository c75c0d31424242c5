/**
 * Ocata release: the first revision, which creates the Watcher tables as of the Ocata release.
 *
 * Upstream: watcher/db/sqlalchemy/alembic/versions/001_ocata.py (its docstring says
 * "Revision ID: 9894235b4278", but the id Alembic uses and stores is `001`).
 *
 * Primary and foreign keys are unnamed upstream, so every server names them itself; `table()` from
 * src/portable passes those same names to TypeORM (goals_pkey, strategies_goal_id_fkey on
 * PostgreSQL; strategies_ibfk_1 with its index `goal_id` on MySQL). Tables are listed in upstream's
 * order, which is also the order their foreign keys need. On MySQL a rerun after an interrupted
 * run skips the tables that run created or dropped (see src/portable/resumable.ts).
 */
import { defineRevision } from '../src/script/revision';
import { column, createTable, dropTable, sa, softDeleteMixinColumns } from '../src/portable';

export const revision = defineRevision({
  id: '001',
  parent: null,
  message: 'ocata release',
  created: '2017-02-01T09:40:05.065981',

  async up(db) {
    await createTable(db, {
      name: 'goals',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36)),
        column('name', sa.String(63), { nullable: false }),
        column('display_name', sa.String(63), { nullable: false }),
        column('efficacy_specification', sa.JSONEncodedList, { nullable: false }),
      ],
      primaryKey: ['id'],
      uniques: [
        { name: 'uniq_goals0name', columns: ['name', 'deleted'] },
        { name: 'uniq_goals0uuid', columns: ['uuid'] },
      ],
    });

    await createTable(db, {
      name: 'scoring_engines',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36), { nullable: false }),
        column('name', sa.String(63), { nullable: false }),
        column('description', sa.String(255)),
        column('metainfo', sa.Text),
      ],
      primaryKey: ['id'],
      uniques: [
        { name: 'uniq_scoring_engines0name', columns: ['name', 'deleted'] },
        { name: 'uniq_scoring_engines0uuid', columns: ['uuid'] },
      ],
    });

    await createTable(db, {
      name: 'services',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('name', sa.String(255), { nullable: false }),
        column('host', sa.String(255), { nullable: false }),
        column('last_seen_up', sa.DateTime),
      ],
      primaryKey: ['id'],
      uniques: [{ name: 'uniq_services0host0name0deleted', columns: ['host', 'name', 'deleted'] }],
    });

    await createTable(db, {
      name: 'strategies',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36)),
        column('name', sa.String(63), { nullable: false }),
        column('display_name', sa.String(63), { nullable: false }),
        column('goal_id', sa.Integer, { nullable: false }),
        column('parameters_spec', sa.JSONEncodedDict),
      ],
      primaryKey: ['id'],
      uniques: [
        { name: 'uniq_strategies0name', columns: ['name', 'deleted'] },
        { name: 'uniq_strategies0uuid', columns: ['uuid'] },
      ],
      foreignKeys: [{ columns: ['goal_id'], references: ['goals.id'] }],
    });

    await createTable(db, {
      name: 'audit_templates',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36)),
        column('name', sa.String(63)),
        column('description', sa.String(255)),
        column('goal_id', sa.Integer, { nullable: false }),
        column('strategy_id', sa.Integer),
        column('scope', sa.JSONEncodedList),
      ],
      primaryKey: ['id'],
      uniques: [
        { name: 'uniq_audit_templates0name', columns: ['name', 'deleted'] },
        { name: 'uniq_audit_templates0uuid', columns: ['uuid'] },
      ],
      foreignKeys: [
        { columns: ['goal_id'], references: ['goals.id'] },
        { columns: ['strategy_id'], references: ['strategies.id'] },
      ],
    });

    await createTable(db, {
      name: 'audits',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36)),
        column('audit_type', sa.String(20)),
        column('state', sa.String(20)),
        column('parameters', sa.JSONEncodedDict),
        // An integer here; d098df6021e2 turns it into a cron-capable String(36) (on MySQL only).
        column('interval', sa.Integer),
        column('goal_id', sa.Integer, { nullable: false }),
        column('strategy_id', sa.Integer),
        column('scope', sa.JSONEncodedList),
        column('auto_trigger', sa.Boolean, { nullable: false }),
      ],
      primaryKey: ['id'],
      uniques: [{ name: 'uniq_audits0uuid', columns: ['uuid'] }],
      foreignKeys: [
        { columns: ['goal_id'], references: ['goals.id'] },
        { columns: ['strategy_id'], references: ['strategies.id'] },
      ],
    });

    await createTable(db, {
      name: 'action_plans',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36)),
        column('audit_id', sa.Integer, { nullable: false }),
        column('strategy_id', sa.Integer, { nullable: false }),
        column('state', sa.String(20)),
        column('global_efficacy', sa.JSONEncodedDict),
      ],
      primaryKey: ['id'],
      uniques: [{ name: 'uniq_action_plans0uuid', columns: ['uuid'] }],
      foreignKeys: [
        { columns: ['audit_id'], references: ['audits.id'] },
        { columns: ['strategy_id'], references: ['strategies.id'] },
      ],
    });

    await createTable(db, {
      name: 'actions',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36), { nullable: false }),
        column('action_plan_id', sa.Integer, { nullable: false }),
        column('action_type', sa.String(255), { nullable: false }),
        column('input_parameters', sa.JSONEncodedDict),
        column('state', sa.String(20)),
        column('parents', sa.JSONEncodedList),
      ],
      primaryKey: ['id'],
      uniques: [{ name: 'uniq_actions0uuid', columns: ['uuid'] }],
      foreignKeys: [{ columns: ['action_plan_id'], references: ['action_plans.id'] }],
    });

    await createTable(db, {
      name: 'efficacy_indicators',
      columns: [
        ...softDeleteMixinColumns(),
        column('id', sa.Integer, { nullable: false }),
        column('uuid', sa.String(36)),
        column('name', sa.String(63)),
        column('description', sa.String(255)),
        column('unit', sa.String(63)),
        column('value', sa.Numeric),
        column('action_plan_id', sa.Integer, { nullable: false }),
      ],
      primaryKey: ['id'],
      uniques: [{ name: 'uniq_efficacy_indicators0uuid', columns: ['uuid'] }],
      foreignKeys: [{ columns: ['action_plan_id'], references: ['action_plans.id'] }],
    });
  },

  async down(db) {
    // Children before parents, as upstream.
    for (const name of [
      'efficacy_indicators',
      'actions',
      'action_plans',
      'audits',
      'audit_templates',
      'strategies',
      'services',
      'scoring_engines',
      'goals',
    ]) {
      await dropTable(db, name);
    }
  },
});
