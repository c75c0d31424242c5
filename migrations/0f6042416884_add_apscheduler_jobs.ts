/**
 * Add apscheduler_jobs table to store background jobs.
 *
 * Upstream: 0f6042416884_add_apscheduler_jobs.py. The table is APScheduler's SQLAlchemyJobStore
 * layout plus Watcher's service_id and tag, and unlike every other Watcher table it has no
 * created_at/updated_at/deleted_at/deleted columns (the model adds them; the migration does not).
 * APScheduler may have created the table already, so the upgrade does nothing when it exists.
 */
import { defineRevision } from '../src/script/revision';
import { column, createTable, dropTable, sa } from '../src/portable';

export const revision = defineRevision({
  id: '0f6042416884',
  parent: '001',
  message: 'Add apscheduler_jobs table to store background jobs',
  created: '2017-03-24T11:21:29.036532',

  async up(db) {
    if (await db.runner.hasTable('apscheduler_jobs')) return;

    await createTable(db, {
      name: 'apscheduler_jobs',
      columns: [
        // sa.Unicode(191): a VARCHAR like String(191) on all three backends.
        column('id', sa.String(191), { nullable: false }),
        column('next_run_time', sa.Float(25)),
        column('job_state', sa.LargeBinary, { nullable: false }),
        column('service_id', sa.Integer, { nullable: false }),
        column('tag', sa.JSONEncodedDict),
      ],
      primaryKey: ['id'],
      foreignKeys: [{ columns: ['service_id'], references: ['services.id'] }],
      // `sa.Column('next_run_time', ..., index=True)` gets SQLAlchemy's ix_<table>_<column>.
      indexes: [{ name: 'ix_apscheduler_jobs_next_run_time', columns: ['next_run_time'] }],
    });
  },

  async down(db) {
    // As upstream: dropped even if the upgrade found it already there (on MySQL, not twice: resumable.ts).
    await dropTable(db, 'apscheduler_jobs');
  },
});
