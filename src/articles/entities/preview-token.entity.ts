import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { ArticleEntity } from './article.entity';

/**
 * A draft-preview token for the delivery API: scoped to one article, one locale, or one article in one
 * locale; short-lived and revocable. Only the SHA-256 of the secret is stored (docs/front-end.md).
 */
@Entity('preview_tokens')
@Check('preview_tokens_scope_check', '"article_id" IS NOT NULL OR "locale" IS NOT NULL')
@Index('preview_tokens_created_idx', ['createdAt', 'id'])
export class PreviewTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('preview_tokens_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  /** First characters of the token, so an editor can recognise it in a list. */
  @Column({ name: 'token_prefix', type: 'text' })
  tokenPrefix!: string;

  @Column({ type: 'text', default: '' })
  label!: string;

  /** Scope: this article only (any locale unless `locale` is set too). */
  @Column({ name: 'article_id', type: 'uuid', nullable: true })
  articleId!: string | null;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'preview_tokens_article_fk' })
  article?: ArticleEntity | null;

  /** Scope: this locale only (every article unless `articleId` is set too). */
  @Column({ type: 'text', nullable: true })
  locale!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'preview_tokens_created_by_fk' })
  creator?: UserEntity | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedBy!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'revoked_by', foreignKeyConstraintName: 'preview_tokens_revoked_by_fk' })
  revoker?: UserEntity | null;
}
