import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ArticleEntity } from '../../articles/entities/article.entity';
import { ReleaseEntity } from '../../products/entities/release.entity';
import type { StaleEvidence } from '../evidence';

export enum StaleSignal {
  ProductChange = 'product_change',
  ReviewOverdue = 'review_overdue',
  RecurringQuestions = 'recurring_questions',
  NegativeFeedback = 'negative_feedback',
  OutdatedTranslation = 'outdated_translation',
}

export enum StaleSeverity {
  Low = 'low',
  Medium = 'medium',
  High = 'high',
  Critical = 'critical',
}

export enum StaleFlagStatus {
  Open = 'open',
  Acknowledged = 'acknowledged',
  Resolved = 'resolved',
  Dismissed = 'dismissed',
}

/**
 * Indexes (partial unique fingerprint among open/acknowledged flags; at most one open/acknowledged
 * outdated-translation flag per article locale) are created in the migrations.
 */
@Entity('stale_flags')
@Index('stale_flags_open_fingerprint_key', { synchronize: false })
@Index('stale_flags_open_translation_key', { synchronize: false })
@Index('stale_flags_article_idx', { synchronize: false })
@Index('stale_flags_signal_idx', { synchronize: false })
export class StaleFlagEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'stale_flags_article_id_fkey' })
  article?: ArticleEntity;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'enum', enum: StaleSignal, enumName: 'stale_signal' })
  signal!: StaleSignal;

  @Column({ type: 'enum', enum: StaleSeverity, enumName: 'stale_severity' })
  severity!: StaleSeverity;

  @Column({ type: 'double precision', default: 0 })
  score!: number;

  @Column({ type: 'jsonb' })
  evidence!: StaleEvidence;

  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ name: 'release_id', type: 'uuid', nullable: true })
  releaseId!: string | null;

  @ManyToOne(() => ReleaseEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'release_id', foreignKeyConstraintName: 'stale_flags_release_id_fkey' })
  release?: ReleaseEntity;

  @Column({ type: 'enum', enum: StaleFlagStatus, enumName: 'stale_flag_status', default: StaleFlagStatus.Open })
  status!: StaleFlagStatus;

  @Column({ name: 'raised_at', type: 'timestamptz', default: () => 'now()' })
  raisedAt!: Date;

  /** When the evidence was last refreshed in place (an outdated-translation flag); the raise until then. */
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'acknowledged_by', type: 'uuid', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy!: string | null;

  /**
   * Why it was resolved or dismissed: the editor's reason, or `revision-published` / `verified`, or
   * `article-archived` / `article-unpublished` / `article-deleted` (the article left the public side), or
   * `superseded` (a duplicate outdated-translation flag collapsed by migration 1765450000000).
   */
  @Column({ name: 'close_reason', type: 'text', nullable: true })
  closeReason!: string | null;

  @Column({ name: 'resolved_by_revision_id', type: 'uuid', nullable: true })
  resolvedByRevisionId!: string | null;
}
