import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Service } from './service';
import { WatcherBase } from './watcher-base';

/** APScheduler's job store, with Watcher's service link. */
@Entity('apscheduler_jobs')
@Unique('uniq_apscheduler_jobs0id', ['id'])
export class ApschedulerJob extends WatcherBase {
  @PrimaryColumn({ type: 'varchar', length: 191 })
  id!: string;

  /** Float(25): double precision on every backend. */
  @Index('ix_apscheduler_jobs_next_run_time')
  @Column({ type: 'float', precision: 25, nullable: true })
  next_run_time!: number | null;

  /** Pickled job; LargeBinary (bytea / blob). */
  @Column({ type: 'blob' })
  job_state!: Buffer;

  /** JSON-encoded dict. */
  @Column({ type: 'text', nullable: true })
  tag!: string | null;

  @Column({ type: 'integer' })
  service_id!: number;

  @ManyToOne(() => Service, { nullable: false })
  @JoinColumn({ name: 'service_id' })
  service?: Service;
}
