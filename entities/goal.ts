import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { WatcherBase } from './watcher-base';

@Entity('goals')
@Unique('uniq_goals0uuid', ['uuid'])
@Unique('uniq_goals0name', ['name', 'deleted'])
export class Goal extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  uuid!: string | null;

  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'varchar', length: 63 })
  display_name!: string;

  /** JSON-encoded list. */
  @Column({ type: 'text' })
  efficacy_specification!: string;
}
