import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { OutlineHeading } from '../content/article-outline';
import { ArticleEntity } from './article.entity';

/** Immutable: every save of an article in a locale appends one. */
@Entity('article_revisions')
@Index('article_revisions_article_locale_number_key', ['articleId', 'locale', 'number'], { unique: true })
export class ArticleRevisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ name: 'body_markdown', type: 'text' })
  bodyMarkdown!: string;

  /** Sanitized HTML rendered once when the revision is written. */
  @Column({ name: 'body_html', type: 'text' })
  bodyHtml!: string;

  /** The body as plain text (what search indexes). */
  @Column({ name: 'body_text', type: 'text' })
  bodyText!: string;

  /** Section headings (h1–h3), weighted above the body by search. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  headings!: string[];

  /** Plain text: the editor's excerpt, else the start of the body. */
  @Column({ type: 'text' })
  excerpt!: string;

  @Column({ name: 'seo_title', type: 'text', nullable: true })
  seoTitle!: string | null;

  @Column({ name: 'seo_description', type: 'text', nullable: true })
  seoDescription!: string | null;

  /** Open Graph image URL (http or https). */
  @Column({ name: 'og_image_url', type: 'text', nullable: true })
  ogImageUrl!: string | null;

  /** Table of contents: every heading of `bodyHtml` with its level, text and `id` (content/article-outline.ts). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  outline!: OutlineHeading[];

  /** Computed from `bodyText` when the revision is written (content/article-outline.ts). */
  @Column({ name: 'reading_time_minutes', type: 'integer', default: 1 })
  readingTimeMinutes!: number;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @Column({ name: 'change_note', type: 'text', default: '' })
  changeNote!: string;

  /** For a translation: the source-locale revision it was translated from. */
  @Column({ name: 'translated_from_revision_id', type: 'uuid', nullable: true })
  translatedFromRevisionId!: string | null;

  /** Set when this revision re-publishes an earlier one (roll back). */
  @Column({ name: 'restored_from_number', type: 'integer', nullable: true })
  restoredFromNumber!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
