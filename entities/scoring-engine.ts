import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { WatcherBase } from './watcher-base';

@Entity('scoring_engines')
@Unique('uniq_scoring_engines0uuid', ['uuid'])
@Unique('uniq_scoring_engines0name', ['name', 'deleted'])
export class ScoringEngine extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36 })
  uuid!: string;

  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description!: string | null;

  /** Free-form information about the model (JSON, XML or anything else). */
  @Column({ type: 'text', nullable: true })
  metainfo!: string | null;
}
