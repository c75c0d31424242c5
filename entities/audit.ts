import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Goal } from './goal';
import { Strategy } from './strategy';
import { WatcherBase } from './watcher-base';

@Entity('audits')
@Unique('uniq_audits0uuid', ['uuid'])
@Unique('uniq_audits0name', ['name', 'deleted'])
export class Audit extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  uuid!: string | null;

  @Column({ type: 'varchar', length: 63, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  audit_type!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  state!: string | null;

  /** JSON-encoded dict. */
  @Column({ type: 'text', nullable: true })
  parameters!: string | null;

  /** A number of seconds or a cron expression, hence a string. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  interval!: string | null;

  @Column({ type: 'integer' })
  goal_id!: number;

  @Column({ type: 'integer', nullable: true })
  strategy_id!: number | null;

  /** JSON-encoded list. */
  @Column({ type: 'text', nullable: true })
  scope!: string | null;

  @Column({ type: 'boolean' })
  auto_trigger!: boolean;

  @Column({ type: 'datetime', nullable: true })
  next_run_time!: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  hostname!: string | null;

  @Column({ type: 'datetime', nullable: true })
  start_time!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  end_time!: Date | null;

  @Column({ type: 'boolean' })
  force!: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  status_message!: string | null;

  @ManyToOne(() => Goal, { nullable: false })
  @JoinColumn({ name: 'goal_id' })
  goal?: Goal;

  @ManyToOne(() => Strategy, { nullable: true })
  @JoinColumn({ name: 'strategy_id' })
  strategy?: Strategy | null;
}
