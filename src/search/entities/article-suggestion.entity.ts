import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An article suggested to a visitor typing a question (deflection), and whether it was opened. */
@Entity('article_suggestions')
@Index('article_suggestions_shown_at_idx', ['shownAt'])
@Index('article_suggestions_batch_idx', ['batchId'])
export class ArticleSuggestionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** One call of suggestArticles: the client reports the opened suggestion by this id. */
  @Column({ name: 'batch_id', type: 'uuid' })
  batchId!: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @Column({ type: 'text' })
  locale!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ name: 'shown_at', type: 'timestamptz', default: () => 'now()' })
  shownAt!: Date;

  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true })
  openedAt!: Date | null;
}
