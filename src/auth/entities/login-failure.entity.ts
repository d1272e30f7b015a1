import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One failed login, counted per account and per (hashed) client address to throttle guessing. */
@Entity('login_failures')
@Index('login_failures_key_failed_at_idx', ['throttleKey', 'failedAt'])
export class LoginFailureEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'throttle_key', type: 'text' })
  throttleKey!: string;

  @Column({ name: 'failed_at', type: 'timestamptz', default: () => 'now()' })
  failedAt!: Date;
}
