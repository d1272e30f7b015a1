import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { FlagKind, FlagStatus, FlagTarget } from './forum-enums';
import { PostEntity } from './post.entity';
import { ThreadEntity } from './thread.entity';

/** A member's report of a thread or a post, for moderators. At most one open flag per member and target. */
@Entity('flags')
/** UNIQUE (flagger_id, target_kind, COALESCE(post_id, thread_id)) WHERE status = 'open' (in the migration). */
@Index('flags_one_open_per_flagger_key', { synchronize: false })
@Index('flags_open_idx', ['createdAt'], { where: `"status" = 'open'` })
@Index('flags_thread_idx', ['threadId'])
@Index('flags_post_idx', ['postId'])
/** (flagger_id, status) WHERE status <> 'open': flagger accuracy in the moderation queue (in migration 1764620000000). */
@Index('flags_flagger_resolved_idx', { synchronize: false })
@Check('flags_target_check', `("target_kind" = 'post') = ("post_id" IS NOT NULL)`)
@Check('flags_duplicate_check', `("kind" = 'duplicate') = ("duplicate_of_thread_id" IS NOT NULL)`)
export class FlagEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'target_kind', type: 'enum', enum: FlagTarget, enumName: 'flag_target_kind' })
  targetKind!: FlagTarget;

  /** The flagged thread, or the thread of the flagged post. */
  @Column({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @ManyToOne(() => ThreadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id' })
  thread?: ThreadEntity;

  @Column({ name: 'post_id', type: 'uuid', nullable: true })
  postId!: string | null;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: PostEntity;

  @Column({ name: 'flagger_id', type: 'uuid', nullable: true })
  flaggerId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'flagger_id' })
  flagger?: UserEntity;

  @Column({ type: 'enum', enum: FlagKind, enumName: 'flag_kind' })
  kind!: FlagKind;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'duplicate_of_thread_id', type: 'uuid', nullable: true })
  duplicateOfThreadId!: string | null;

  @ManyToOne(() => ThreadEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'duplicate_of_thread_id' })
  duplicateOfThread?: ThreadEntity;

  @Column({ type: 'enum', enum: FlagStatus, enumName: 'flag_status', default: FlagStatus.Open })
  status!: FlagStatus;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy!: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
