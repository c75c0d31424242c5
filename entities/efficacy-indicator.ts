import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ActionPlan } from './action-plan';
import { WatcherBase } from './watcher-base';

@Entity('efficacy_indicators')
@Unique('uniq_efficacy_indicators0uuid', ['uuid'])
export class EfficacyIndicator extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  uuid!: string | null;

  @Column({ type: 'varchar', length: 63, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 63, nullable: true })
  unit!: string | null;

  /** Deprecated upstream (bug 2103458): it rounds to integers on MySQL; `data` replaces it. */
  @Column({ type: 'numeric', nullable: true })
  value!: string | null;

  @Column({ type: 'float', nullable: true })
  data!: number | null;

  @Column({ type: 'integer' })
  action_plan_id!: number;

  @ManyToOne(() => ActionPlan, { nullable: false })
  @JoinColumn({ name: 'action_plan_id' })
  action_plan?: ActionPlan;
}
