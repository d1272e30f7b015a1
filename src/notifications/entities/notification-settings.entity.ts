import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/** A member's notification preferences; no row: the defaults (no email). */
@Entity('notification_settings')
export class NotificationSettingsEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  /** Mail a digest of unread notifications (opt-in). */
  @Column({ name: 'email_digest', type: 'boolean', default: false })
  emailDigest!: boolean;

  /** When the digest was last turned on: only notifications from then on are mailed. */
  @Column({ name: 'email_digest_since', type: 'timestamptz', nullable: true })
  emailDigestSince!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
