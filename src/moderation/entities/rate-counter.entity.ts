import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One fixed-window counter per member and action (`post:<id>`, `flag:<id>`), taken atomically. */
@Entity('moderation_rate_counters')
export class RateCounterEntity {
  @PrimaryColumn({ name: 'counter_key', type: 'text', primaryKeyConstraintName: 'moderation_rate_counters_pkey' })
  counterKey!: string;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ type: 'integer' })
  used!: number;
}
