import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Work for the indexing worker, written in the same transaction as the change it describes. The id grows
 * with every change and is the version of the documents built from it.
 */
@Entity('search_outbox')
@Index('search_outbox_due_idx', ['nextAttemptAt', 'id'])
@Index('search_outbox_source_idx', ['kind', 'sourceId'])
export class SearchOutboxEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  /** `article` (later `thread`). */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId!: string;

  @Column({ name: 'enqueued_at', type: 'timestamptz', default: () => 'now()' })
  enqueuedAt!: Date;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
