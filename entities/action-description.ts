import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { WatcherBase } from './watcher-base';

@Entity('action_descriptions')
@Unique('uniq_action_description0action_type', ['action_type'])
export class ActionDescription extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  action_type!: string;

  @Column({ type: 'varchar', length: 255 })
  description!: string;
}
