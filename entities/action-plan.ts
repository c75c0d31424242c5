import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Audit } from './audit';
import { Strategy } from './strategy';
import { WatcherBase } from './watcher-base';

@Entity('action_plans')
@Unique('uniq_action_plans0uuid', ['uuid'])
export class ActionPlan extends WatcherBase {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36, nullable: true })
  uuid!: string | null;

  @Column({ type: 'integer' })
  audit_id!: number;

  @Column({ type: 'integer' })
  strategy_id!: number;

  @Column({ type: 'varchar', length: 20, nullable: true })
  state!: string | null;

  /** JSON-encoded list. */
  @Column({ type: 'text', nullable: true })
  global_efficacy!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  hostname!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  status_message!: string | null;

  @ManyToOne(() => Audit, { nullable: false })
  @JoinColumn({ name: 'audit_id' })
  audit?: Audit;

  @ManyToOne(() => Strategy, { nullable: false })
  @JoinColumn({ name: 'strategy_id' })
  strategy?: Strategy;
}
