import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ArticleRevisionEntity } from './article-revision.entity';
import { ArticleEntity } from './article.entity';

/** "Was this helpful?" on a published revision. No IP address is stored, only a keyed daily hash. */
@Entity('article_feedback')
@Index('article_feedback_article_idx', ['articleId', 'locale', 'createdAt'])
@Index('article_feedback_client_day_key', ['articleId', 'clientKey', 'day'], { unique: true })
export class ArticleFeedbackEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ name: 'revision_id', type: 'uuid' })
  revisionId!: string;

  @ManyToOne(() => ArticleRevisionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'revision_id' })
  revision?: ArticleRevisionEntity;

  @Column({ name: 'is_helpful', type: 'boolean' })
  isHelpful!: boolean;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'member_id', type: 'uuid', nullable: true })
  memberId!: string | null;

  /** HMAC of the member id or of the client address and user agent, keyed per day: one vote per client, article and day. */
  @Column({ name: 'client_key', type: 'text' })
  clientKey!: string;

  @Column({ type: 'date' })
  day!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
