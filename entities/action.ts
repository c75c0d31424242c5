import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ActionPlan } from './action-plan';
import { WatcherBase } from './watcher-base';

@Entity('actions')
@Unique('uniq_actions0uuid', ['uuid'])
export class Action extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36 })
  uuid!: string;

  @Column({ type: 'integer' })
  action_plan_id!: number;

  @Column({ type: 'varchar', length: 255 })
  action_type!: string;

  /** JSON-encoded dict. */
  @Column({ type: 'text', nullable: true })
  input_parameters!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  state!: string | null;

  /** JSON-encoded list. */
  @Column({ type: 'text', nullable: true })
  parents!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  status_message!: string | null;

  @ManyToOne(() => ActionPlan, { nullable: false })
  @JoinColumn({ name: 'action_plan_id' })
  action_plan?: ActionPlan;
}
