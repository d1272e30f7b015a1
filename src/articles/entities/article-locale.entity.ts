import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';
import { ArticleRevisionEntity } from './article-revision.entity';

/** Where one locale of an article stands in the workflow. */
export enum ArticleStatus {
  /** Never published (or only drafts since it was created). */
  Draft = 'draft',
  /** Not published; the head revision waits for a reviewer. */
  InReview = 'in_review',
  /** Not published yet; a revision is due to publish at `scheduledPublishAt`. */
  Scheduled = 'scheduled',
  /** The public sees `publishedRevisionId`; later drafts do not change that. */
  Published = 'published',
  /** Was published, taken down; can be published again. */
  Unpublished = 'unpublished',
  /** Retired; hidden everywhere except the admin API. */
  Archived = 'archived',
}

/** The review of the head revision, independent of what is published. */
export enum ReviewState {
  None = 'none',
  InReview = 'in_review',
  ChangesRequested = 'changes_requested',
  Approved = 'approved',
}

@Entity('article_locales')
@Index('article_locales_article_locale_key', ['articleId', 'locale'], { unique: true })
@Index('article_locales_status_idx', ['locale', 'status'])
/** (locale, published_at DESC, article_id DESC) WHERE status = 'published': delivery lists, newest first (in the migration). */
@Index('article_locales_published_idx', { synchronize: false })
/** (category_id, locale, published_at DESC, article_id DESC) WHERE published and public: category pages (in the migration). */
@Index('article_locales_category_published_idx', { synchronize: false })
@Index('article_locales_scheduled_idx', ['scheduledPublishAt'], { where: '"scheduled_publish_at" IS NOT NULL' })
export class ArticleLocaleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @Column({ type: 'text' })
  locale!: string;

  /** Copy of the article's category, kept by a database trigger (never written here): category pages read one index. */
  @Column({ name: 'category_id', type: 'uuid', insert: false, update: false })
  categoryId!: string;

  /** Copy of the article's `is_internal`, kept by a database trigger (never written here). */
  @Column({ name: 'is_internal', type: 'boolean', default: false, insert: false, update: false })
  isInternal!: boolean;

  @Column({ type: 'enum', enum: ArticleStatus, enumName: 'article_status', default: ArticleStatus.Draft })
  status!: ArticleStatus;

  /** The current slug (history in `article_slugs`). */
  @Column({ type: 'text' })
  slug!: string;

  /** Number of the latest revision; every edit states it as its base (optimistic concurrency). */
  @Column({ name: 'head_revision_number', type: 'integer' })
  headRevisionNumber!: number;

  @Column({ name: 'published_revision_id', type: 'uuid', nullable: true })
  publishedRevisionId!: string | null;

  @ManyToOne(() => ArticleRevisionEntity, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'published_revision_id' })
  publishedRevision?: ArticleRevisionEntity | null;

  /** Copies of the published revision's title, excerpt and author, kept by a database trigger (never written here): list pages read no revisions. */
  @Column({ name: 'published_title', type: 'text', nullable: true, insert: false, update: false, select: false })
  publishedTitle?: string | null;

  @Column({ name: 'published_excerpt', type: 'text', nullable: true, insert: false, update: false, select: false })
  publishedExcerpt?: string | null;

  @Column({ name: 'published_author_id', type: 'uuid', nullable: true, insert: false, update: false, select: false })
  publishedAuthorId?: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'first_published_at', type: 'timestamptz', nullable: true })
  firstPublishedAt!: Date | null;

  @Column({ name: 'scheduled_revision_id', type: 'uuid', nullable: true })
  scheduledRevisionId!: string | null;

  @Column({ name: 'scheduled_publish_at', type: 'timestamptz', nullable: true })
  scheduledPublishAt!: Date | null;

  @Column({ name: 'scheduled_by', type: 'uuid', nullable: true })
  scheduledBy!: string | null;

  @Column({ name: 'review_state', type: 'enum', enum: ReviewState, enumName: 'article_review_state', default: ReviewState.None })
  reviewState!: ReviewState;

  @Column({ name: 'reviewer_id', type: 'uuid', nullable: true })
  reviewerId!: string | null;

  /** The revision the review is about (a later save sends the article back to draft). */
  @Column({ name: 'review_revision_number', type: 'integer', nullable: true })
  reviewRevisionNumber!: number | null;

  @Column({ name: 'review_comment', type: 'text', nullable: true })
  reviewComment!: string | null;

  /** Publishing or verifying counts as a review. */
  @Column({ name: 'last_reviewed_at', type: 'timestamptz', nullable: true })
  lastReviewedAt!: Date | null;

  @Column({ name: 'last_reviewed_by', type: 'uuid', nullable: true })
  lastReviewedBy!: string | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
