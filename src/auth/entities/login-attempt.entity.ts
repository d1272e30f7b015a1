import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Sign-in attempts in the current window of one throttle key (an account or a hashed client
 * address). An attempt is reserved here before its password is verified.
 */
@Entity('login_attempts')
export class LoginAttemptEntity {
  @PrimaryColumn({ name: 'throttle_key', type: 'text' })
  throttleKey!: string;

  @Index('login_attempts_window_started_at_idx')
  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ type: 'integer' })
  attempts!: number;
}
