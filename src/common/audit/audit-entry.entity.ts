import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only record of what someone did to something (a trigger refuses UPDATE and DELETE). Generic over
 * subjects: articles now, forum threads and posts (moderation) next.
 */
@Entity('audit_entries')
@Index('audit_entries_subject_idx', ['subjectKind', 'subjectId', 'occurredAt'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** Null: the system. No foreign key: the entry outlives the user. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  /** Verb, e.g. `article.delete`, `article.restore`, `article.purge`. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'subject_kind', type: 'text' })
  subjectKind!: string;

  /** No foreign key: the entry outlives its subject (a purged article). */
  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'jsonb', nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: Record<string, unknown> | null;
}
