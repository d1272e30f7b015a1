import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../role.enum';

@Entity('users')
@Index('users_email_key', { synchronize: false })
// lower(regexp_replace(btrim(display_name), '\s+', ' ', 'g')): mentions (migration 1764860002000).
@Index('users_display_name_key_idx', { synchronize: false })
@Check('users_trust_level_check', '"trust_level" BETWEEN 0 AND 4')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-cased; unique through the `users_email_key` index on lower(email). */
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  role!: Role;

  @Column({ name: 'trust_level', type: 'smallint', default: 0 })
  trustLevel!: number;

  /** Set by staff: the trust-level job leaves this member's level alone. */
  @Column({ name: 'trust_level_locked', type: 'boolean', default: false })
  trustLevelLocked!: boolean;

  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt!: Date | null;

  @Column({ name: 'silenced_until', type: 'timestamptz', nullable: true })
  silencedUntil!: Date | null;

  @Column({ name: 'suspended_until', type: 'timestamptz', nullable: true })
  suspendedUntil!: Date | null;

  /** Carried by every session token; a password change adds one, which ends the sessions issued before it. */
  @Column({ name: 'session_version', type: 'integer', default: 0 })
  sessionVersion!: number;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
