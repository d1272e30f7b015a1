import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { MemberNotificationKind } from '../member-notification-kind.enum';

/** Something a member is told about (a reply, an accepted answer, a mention, a moderation decision). */
@Entity('member_notifications')
@Index('member_notifications_recipient_idx', ['recipientId', 'createdAt', 'id'])
@Index('member_notifications_unread_idx', ['recipientId'], { where: 'read_at IS NULL' })
@Index('member_notifications_undigested_idx', ['recipientId', 'createdAt'], { where: 'emailed_at IS NULL AND read_at IS NULL' })
@Index('member_notifications_dedupe_key', ['recipientId', 'dedupeKey'], { unique: true, where: 'dedupe_key IS NOT NULL' })
export class MemberNotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'recipient_id', type: 'uuid' })
  recipientId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'recipient_id' })
  recipient?: UserEntity;

  @Column({ type: 'enum', enum: MemberNotificationKind, enumName: 'member_notification_kind' })
  kind!: MemberNotificationKind;

  /** Who caused it (the replier, the moderator); null for the system. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id' })
  actor?: UserEntity;

  /** What it is about, e.g. `thread`, `post`; no foreign key (the subject may be removed later). */
  @Column({ name: 'subject_kind', type: 'text' })
  subjectKind!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  /** One line shown to the member, e.g. the thread title. */
  @Column({ type: 'text' })
  summary!: string;

  /** Small extra fields for front-ends (thread slug, decision, reason). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  data!: Record<string, string | number | boolean | null>;

  /** Set by a caller that may raise the same notification twice (a re-saved mention): the second is dropped. */
  @Column({ name: 'dedupe_key', type: 'text', nullable: true })
  dedupeKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  /** When an email digest included it; null: not mailed. */
  @Column({ name: 'emailed_at', type: 'timestamptz', nullable: true })
  emailedAt!: Date | null;
}
