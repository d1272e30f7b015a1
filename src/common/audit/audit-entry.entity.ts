import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only record of what someone did to something (a trigger refuses UPDATE and DELETE). Generic over
 * subjects: articles now, forum threads and posts (moderation) next.
 */
@Entity('audit_entries')
@Index('audit_entries_subject_idx', ['subjectKind', 'subjectId', 'occurredAt'])
/** (occurred_at DESC, id DESC), and the same per actor, rule, action and target: the audit log's filters (in the migration). */
@Index('audit_entries_occurred_idx', { synchronize: false })
@Index('audit_entries_actor_idx', { synchronize: false })
@Index('audit_entries_rule_idx', { synchronize: false })
@Index('audit_entries_action_idx', { synchronize: false })
@Index('audit_entries_target_idx', { synchronize: false })
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** Null: the system. No foreign key: the entry outlives the user. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  /** The automatic rule that acted (e.g. `auto:links`), when no person did. */
  @Column({ name: 'actor_rule', type: 'text', nullable: true })
  actorRule!: string | null;

  /** Why, as the moderator or the rule gave it. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

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
