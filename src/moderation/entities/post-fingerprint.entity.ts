import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A member's post as the auto-moderation rules remember it: when, where, and a hash of its normalized text. */
@Entity('post_fingerprints')
@Index('post_fingerprints_hash_idx', ['textHash', 'createdAt'], { where: '"text_hash" IS NOT NULL' })
/** (author_id, created_at DESC) (in the migration). */
@Index('post_fingerprints_author_idx', { synchronize: false })
export class PostFingerprintEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'post_fingerprints_pkey' })
  id!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ name: 'thread_id', type: 'uuid', nullable: true })
  threadId!: string | null;

  /** Null for texts too short to count as duplicates. */
  @Column({ name: 'text_hash', type: 'text', nullable: true })
  textHash!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
