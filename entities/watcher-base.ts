import { Column } from 'typeorm';

/**
 * The oslo.db mixin columns every Watcher table starts with (TimestampMixin then SoftDeleteMixin,
 * as oslo.db orders them). Soft delete sets `deleted = id` and `deleted_at = now()`; live rows have
 * `deleted = 0`. TypeORM puts a base class's columns before the subclass's, which keeps this order.
 */
export abstract class WatcherBase {
  @Column({ type: 'datetime', nullable: true })
  created_at!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  updated_at!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  deleted_at!: Date | null;

  @Column({ type: 'integer', nullable: true })
  deleted!: number | null;
}
