import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Goal } from './goal';
import { Strategy } from './strategy';
import { WatcherBase } from './watcher-base';

@Entity('audit_templates')
@Unique('uniq_audit_templates0uuid', ['uuid'])
@Unique('uniq_audit_templates0name', ['name', 'deleted'])
export class AuditTemplate extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  uuid!: string | null;

  @Column({ type: 'varchar', length: 63, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  description!: string | null;

  @Column({ type: 'integer' })
  goal_id!: number;

  @Column({ type: 'integer', nullable: true })
  strategy_id!: number | null;

  /** JSON-encoded list. */
  @Column({ type: 'text', nullable: true })
  scope!: string | null;

  /** JSON-encoded dict. */
  @Column({ type: 'text', nullable: true })
  default_parameters!: string | null;

  @ManyToOne(() => Goal, { nullable: false })
  @JoinColumn({ name: 'goal_id' })
  goal?: Goal;

  @ManyToOne(() => Strategy, { nullable: true })
  @JoinColumn({ name: 'strategy_id' })
  strategy?: Strategy | null;
}
