import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PostEntity } from './post.entity';

/** Edit history of a post, immutable: one row per version, the first included. */
@Entity('post_revisions')
@Index('post_revisions_post_number_key', ['postId', 'number'], { unique: true })
export class PostRevisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: PostEntity;

  @Column({ type: 'integer' })
  number!: number;

  /** The thread title at this revision (questions only). */
  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ name: 'body_markdown', type: 'text' })
  bodyMarkdown!: string;

  @Column({ name: 'body_html', type: 'text' })
  bodyHtml!: string;

  /** Who made this version (the author, or staff editing). No foreign key: history outlives accounts. */
  @Column({ name: 'editor_id', type: 'uuid', nullable: true })
  editorId!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
