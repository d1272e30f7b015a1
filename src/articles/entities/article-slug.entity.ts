import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** Every slug an article has had in a locale; the current one is also on `article_locales.slug`. */
@Entity('article_slugs')
@Index('article_slugs_article_idx', ['articleId', 'locale'])
export class ArticleSlugEntity {
  @PrimaryColumn({ type: 'text' })
  locale!: string;

  @PrimaryColumn({ type: 'text' })
  slug!: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: ArticleEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
