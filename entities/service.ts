import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { WatcherBase } from './watcher-base';

@Entity('services')
@Unique('uniq_services0host0name0deleted', ['host', 'name', 'deleted'])
export class Service extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 255 })
  host!: string;

  @Column({ type: 'datetime', nullable: true })
  last_seen_up!: Date | null;
}
