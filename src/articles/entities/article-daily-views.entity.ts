import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** Views per article, locale and day, flushed in batches from memory. */
@Entity('article_daily_views')
export class ArticleDailyViewsEntity {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @PrimaryColumn({ type: 'text' })
  locale!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ type: 'integer', default: 0 })
  views!: number;
}
