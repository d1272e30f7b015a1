import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An article or a solved thread suggested to a visitor typing a question (deflection), and whether it was opened. */
@Entity('article_suggestions')
@Check('article_suggestions_kind_check', `"kind" IN ('article', 'thread')`)
@Index('article_suggestions_shown_at_idx', ['shownAt'])
@Index('article_suggestions_batch_idx', ['batchId'])
export class ArticleSuggestionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** One call of suggestArticles: the client reports the opened suggestion by this id. */
  @Column({ name: 'batch_id', type: 'uuid' })
  batchId!: string;

  /** What was suggested: `article` or `thread`. */
  @Column({ type: 'text', default: 'article' })
  kind!: 'article' | 'thread';

  /** The article's or the thread's id. */
  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'shown_at', type: 'timestamptz', default: () => 'now()' })
  shownAt!: Date;

  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true })
  openedAt!: Date | null;
}
