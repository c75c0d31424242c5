import { column, ColumnDef } from './column';
import { sa } from './types';

/**
 * oslo.db's TimestampMixin and SoftDeleteMixin columns, which every Watcher table but apscheduler_jobs
 * starts with, in this order. `deleted` is oslo.db's SoftDeleteInteger: a plain INTEGER in DDL
 * (0 while the row is live, the row's id once soft deleted).
 */
export function softDeleteMixinColumns(): ColumnDef[] {
  return [
    column('created_at', sa.DateTime),
    column('updated_at', sa.DateTime),
    column('deleted_at', sa.DateTime),
    column('deleted', sa.Integer),
  ];
}
