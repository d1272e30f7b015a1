import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from '../../articles/entities/article.entity';
import { PostEntity } from '../../forum/entities/post.entity';
import { ThreadEntity } from '../../forum/entities/thread.entity';

/** A thread turned into a help article (knowledge capture): the link both ways. */
@Entity('thread_promotions')
@Index('thread_promotions_article_idx', ['articleId'])
export class ThreadPromotionEntity {
  @PrimaryColumn({ name: 'thread_id', type: 'uuid', primaryKeyConstraintName: 'thread_promotions_pkey' })
  threadId!: string;

  @ManyToOne(() => ThreadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id', foreignKeyConstraintName: 'thread_promotions_thread_fk' })
  thread?: ThreadEntity;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'thread_promotions_article_fk' })
  article?: ArticleEntity;

  /** The accepted answer the article was drafted from: its author is credited (null once the post is purged). */
  @Column({ name: 'answer_post_id', type: 'uuid', nullable: true })
  answerPostId!: string | null;

  @ManyToOne(() => PostEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'answer_post_id', foreignKeyConstraintName: 'thread_promotions_answer_post_fk' })
  answerPost?: PostEntity;

  @Column({ name: 'promoted_by', type: 'uuid', nullable: true })
  promotedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
