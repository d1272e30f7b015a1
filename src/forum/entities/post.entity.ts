import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { ContentStatus } from './forum-enums';
import { ThreadEntity } from './thread.entity';

/** A post: the question of a thread or a reply. Holds a copy of its latest revision's text for reading. */
@Entity('posts')
@Index('posts_thread_created_idx', ['threadId', 'createdAt', 'id'])
@Index('posts_thread_question_key', ['threadId'], { unique: true, where: '"is_question"' })
@Index('posts_author_idx', ['authorId', 'createdAt'])
@Index('posts_pending_idx', ['createdAt'], { where: `"status" = 'pending'` })
@Check('posts_revision_number_check', '"revision_number" >= 1')
export class PostEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @ManyToOne(() => ThreadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id' })
  thread?: Relation<ThreadEntity>;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id' })
  author?: UserEntity;

  @Column({ name: 'is_question', type: 'boolean', default: false })
  isQuestion!: boolean;

  @Column({ type: 'enum', enum: ContentStatus, enumName: 'forum_content_status' })
  status!: ContentStatus;

  @Column({ name: 'held_reason', type: 'text', nullable: true })
  heldReason!: string | null;

  /** The latest revision's number; its text is copied below. */
  @Column({ name: 'revision_number', type: 'integer', default: 1 })
  revisionNumber!: number;

  @Column({ name: 'body_markdown', type: 'text' })
  bodyMarkdown!: string;

  /** Rendered and sanitized once per revision. */
  @Column({ name: 'body_html', type: 'text' })
  bodyHtml!: string;

  @Column({ name: 'body_text', type: 'text' })
  bodyText!: string;

  @Column({ type: 'integer', default: 0 })
  score!: number;

  @Column({ name: 'upvote_count', type: 'integer', default: 0 })
  upvoteCount!: number;

  @Column({ name: 'downvote_count', type: 'integer', default: 0 })
  downvoteCount!: number;

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
