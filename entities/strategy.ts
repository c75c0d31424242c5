import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Goal } from './goal';
import { WatcherBase } from './watcher-base';

@Entity('strategies')
@Unique('uniq_strategies0uuid', ['uuid'])
@Unique('uniq_strategies0name', ['name', 'deleted'])
export class Strategy extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  uuid!: string | null;

  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'varchar', length: 63 })
  display_name!: string;

  @Column({ type: 'integer' })
  goal_id!: number;

  /** JSON-encoded dict. */
  @Column({ type: 'text', nullable: true })
  parameters_spec!: string | null;

  @ManyToOne(() => Goal, { nullable: false })
  @JoinColumn({ name: 'goal_id' })
  goal?: Goal;
}
