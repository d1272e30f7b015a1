import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { CategoryEntity } from './category.entity';

@Entity('category_translations')
@Index('category_translations_locale_slug_key', ['locale', 'slug'], { unique: true })
export class CategoryTranslationEntity {
  @PrimaryColumn({ name: 'category_id', type: 'uuid' })
  categoryId!: string;

  @PrimaryColumn({ type: 'text' })
  locale!: string;

  // By name: the category imports this entity, and a file cycle is avoided.
  @ManyToOne('CategoryEntity', (category: CategoryEntity) => category.translations, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'category_id' })
  category?: CategoryEntity;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'seo_title', type: 'text', nullable: true })
  seoTitle!: string | null;

  @Column({ name: 'seo_description', type: 'text', nullable: true })
  seoDescription!: string | null;

  /** Open Graph image URL (http or https). */
  @Column({ name: 'og_image_url', type: 'text', nullable: true })
  ogImageUrl!: string | null;
}
