import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ThreadEntity } from './thread.entity';

/** Earlier slugs of threads (after a title change, or of a thread merged into another): they redirect. */
@Entity('thread_slug_redirects')
@Index('thread_slug_redirects_thread_idx', ['threadId'])
export class ThreadSlugRedirectEntity {
  @PrimaryColumn({ type: 'text' })
  slug!: string;

  @Column({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @ManyToOne(() => ThreadEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'thread_id' })
  thread?: ThreadEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
