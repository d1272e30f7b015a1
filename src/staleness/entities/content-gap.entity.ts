import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ArticleEntity } from '../../articles/entities/article.entity';
import type { ContentGapEvidence } from '../evidence';

export enum ContentGapSource {
  RecurringQuestions = 'recurring_questions',
  SearchGap = 'search_gap',
}

export enum ContentGapStatus {
  Open = 'open',
  Drafted = 'drafted',
  Dismissed = 'dismissed',
}

/** A missing article: raised by detector 3 (recurring questions) or 6 (search gaps); unique per (source, fingerprint). */
@Entity('content_gaps')
@Index('content_gaps_fingerprint_key', { synchronize: false })
export class ContentGapEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'enum', enum: ContentGapSource, enumName: 'content_gap_source' })
  source!: ContentGapSource;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ type: 'jsonb' })
  evidence!: ContentGapEvidence;

  /** How much it matters (searches or askers); orders the list. */
  @Column({ type: 'double precision', default: 0 })
  weight!: number;

  @Column({ type: 'enum', enum: ContentGapStatus, enumName: 'content_gap_status', default: ContentGapStatus.Open })
  status!: ContentGapStatus;

  /** The draft article made from it. */
  @Column({ name: 'article_id', type: 'uuid', nullable: true })
  articleId!: string | null;

  @ManyToOne(() => ArticleEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'content_gaps_article_id_fkey' })
  article?: ArticleEntity;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy!: string | null;

  /** Why it was dismissed (by an editor, or by the rule that found an article for it). */
  @Column({ name: 'close_reason', type: 'text', nullable: true })
  closeReason!: string | null;
}
