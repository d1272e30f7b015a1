import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The auto-moderation rules' settings: one row (id 1), edited by admins through the admin API. A null
 * threshold turns its rule off.
 */
@Entity('auto_moderation_settings')
@Check('auto_moderation_settings_single_row', '"id" = 1')
@Check(
  'auto_moderation_settings_positive',
  `coalesce("max_links", 0) >= 0 AND coalesce("duplicate_text_window_minutes", 1) > 0 AND "duplicate_text_min_chars" >= 1
                AND coalesce("fast_posting_seconds", 1) > 0 AND "fast_posting_max_trust_level" BETWEEN 0 AND 4
                AND "post_rate_limit" >= 1 AND "post_rate_window_seconds" >= 1 AND "flag_rate_limit" >= 1 AND "flag_rate_window_seconds" >= 1
                AND coalesce("auto_silence_rejections", 1) >= 1 AND "auto_silence_window_days" >= 1 AND "auto_silence_hours" >= 1`,
)
export class AutoModerationSettingsEntity {
  @PrimaryColumn({ type: 'smallint', default: 1, primaryKeyConstraintName: 'auto_moderation_settings_pkey' })
  id!: number;

  /** Hold every post of a trust-level-0 member, whatever the board's policy. */
  @Column({ name: 'hold_trust_level_zero', type: 'boolean', default: false })
  holdTrustLevelZero!: boolean;

  /** Hold posts with more links than this (null: off). */
  @Column({ name: 'max_links', type: 'integer', nullable: true, default: 5 })
  maxLinks!: number | null;

  /** Hold a post whose text was already posted in another thread within this many minutes (null: off). */
  @Column({ name: 'duplicate_text_window_minutes', type: 'integer', nullable: true })
  duplicateTextWindowMinutes!: number | null;

  /** Shorter texts ("thanks!") are never duplicates. */
  @Column({ name: 'duplicate_text_min_chars', type: 'integer', default: 20 })
  duplicateTextMinChars!: number;

  /** Hold a post written less than this many seconds after the member's previous one (null: off). */
  @Column({ name: 'fast_posting_seconds', type: 'integer', nullable: true })
  fastPostingSeconds!: number | null;

  /** The fast-posting rule applies up to this trust level. */
  @Column({ name: 'fast_posting_max_trust_level', type: 'smallint', default: 1 })
  fastPostingMaxTrustLevel!: number;

  @Column({ name: 'post_rate_limit', type: 'integer', default: 20 })
  postRateLimit!: number;

  @Column({ name: 'post_rate_window_seconds', type: 'integer', default: 60 })
  postRateWindowSeconds!: number;

  @Column({ name: 'flag_rate_limit', type: 'integer', default: 20 })
  flagRateLimit!: number;

  @Column({ name: 'flag_rate_window_seconds', type: 'integer', default: 3600 })
  flagRateWindowSeconds!: number;

  /** Silence a member automatically after this many rejected posts within the window (null: off). */
  @Column({ name: 'auto_silence_rejections', type: 'integer', nullable: true, default: 3 })
  autoSilenceRejections!: number | null;

  @Column({ name: 'auto_silence_window_days', type: 'integer', default: 30 })
  autoSilenceWindowDays!: number;

  @Column({ name: 'auto_silence_hours', type: 'integer', default: 72 })
  autoSilenceHours!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;
}
