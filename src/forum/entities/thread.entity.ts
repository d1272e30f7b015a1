import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { ProductEntity } from '../../products/entities/product.entity';
import { UserEntity } from '../../users/entities/user.entity';
import { BoardEntity } from './board.entity';
import { ContentStatus } from './forum-enums';
import { PostEntity } from './post.entity';

/** A question and its replies. The question's text is its first post (`is_question`); counts are kept in step by the services. */
@Entity('threads')
@Index('threads_slug_key', ['slug'], { unique: true })
/** (board_id, is_pinned::int DESC, last_activity_at DESC, id DESC) WHERE status = 'visible': board pages, latest first (in the migration). */
@Index('threads_board_activity_idx', { synchronize: false })
/** (is_pinned::int DESC, last_activity_at DESC, id DESC) WHERE status = 'visible': every board (in the migration). */
@Index('threads_activity_idx', { synchronize: false })
/** The other sorts, visible threads only (in the migration): top per board and overall, solved, unanswered. */
@Index('threads_board_top_idx', { synchronize: false })
@Index('threads_top_idx', { synchronize: false })
@Index('threads_solved_idx', { synchronize: false })
@Index('threads_unanswered_idx', { synchronize: false })
/** GIN on tags (in the migration). */
@Index('threads_tags_idx', { synchronize: false })
@Index('threads_author_idx', ['authorId'])
/** (created_at, id) WHERE status = 'pending': the moderation queue (in migration 1764620000000). */
@Index('threads_pending_idx', { synchronize: false })
/** (accepted_post_id) WHERE accepted_post_id IS NOT NULL: trust levels count accepted answers (in migration 1764620000000). */
@Index('threads_accepted_post_idx', { synchronize: false })
@Check('threads_counts_check', '"reply_count" >= 0')
export class ThreadEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'board_id', type: 'uuid' })
  boardId!: string;

  @ManyToOne(() => BoardEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'board_id' })
  board?: BoardEntity;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'enum', enum: ContentStatus, enumName: 'forum_content_status' })
  status!: ContentStatus;

  /** Why it is pending (the rule that held it, e.g. `board:hold_all`); null when not held. */
  @Column({ name: 'held_reason', type: 'text', nullable: true })
  heldReason!: string | null;

  @Column({ name: 'is_locked', type: 'boolean', default: false })
  isLocked!: boolean;

  @Column({ name: 'is_pinned', type: 'boolean', default: false })
  isPinned!: boolean;

  @Column({ name: 'is_solved', type: 'boolean', default: false })
  isSolved!: boolean;

  /** The accepted answer (a reply in this thread). */
  @Column({ name: 'accepted_post_id', type: 'uuid', nullable: true })
  acceptedPostId!: string | null;

  @ManyToOne(() => PostEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'accepted_post_id', foreignKeyConstraintName: 'threads_accepted_post_fk' })
  acceptedPost?: Relation<PostEntity>;

  @Column({ name: 'solved_at', type: 'timestamptz', nullable: true })
  solvedAt!: Date | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @ManyToMany(() => ProductEntity)
  @JoinTable({
    name: 'thread_products',
    joinColumn: { name: 'thread_id', referencedColumnName: 'id', foreignKeyConstraintName: 'thread_products_thread_fk' },
    inverseJoinColumn: { name: 'product_id', referencedColumnName: 'id', foreignKeyConstraintName: 'thread_products_product_fk' },
  })
  products?: ProductEntity[];

  /** Null once the author's account is gone (shown as a deleted member). */
  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id' })
  author?: UserEntity;

  /** Visible replies (the question excluded). */
  @Column({ name: 'reply_count', type: 'integer', default: 0 })
  replyCount!: number;

  /** The question post's score (upvotes minus downvotes), for the "top" sort. */
  @Column({ type: 'integer', default: 0 })
  score!: number;

  @Column({ name: 'last_activity_at', type: 'timestamptz', default: () => 'now()' })
  lastActivityAt!: Date;

  /**
   * Closed as a duplicate of another thread (moderation). No foreign key (migration 1765300000000): its re-check would
   * lock the original out of the forum's lock order; a merge, the only deletion of a thread, repoints or clears links.
   */
  @Column({ name: 'duplicate_of_id', type: 'uuid', nullable: true })
  duplicateOfId!: string | null;

  /** The question's first 201 characters of plain text, kept by the `threads_excerpt_sync` trigger on posts (migration 1764920000000); read by thread lists. */
  @Column({ type: 'text', nullable: true, insert: false, update: false, select: false })
  excerpt!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
