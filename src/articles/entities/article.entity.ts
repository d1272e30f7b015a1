import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ProductEntity } from '../../products/entities/product.entity';
import { CategoryEntity } from './category.entity';

/** What an article is about; its text lives in per-locale revisions (`ArticleLocaleEntity`). */
@Entity('articles')
@Index('articles_category_idx', ['categoryId'])
@Index('articles_updated_at_idx', ['updatedAt'])
@Index('articles_tags_idx', { synchronize: false })
@Index('articles_feature_keys_idx', { synchronize: false })
/** Partial (`WHERE robots LIKE 'noindex%'`): the few articles sitemaps leave out (migration SitemapNoindex). */
@Index('articles_noindex_idx', { synchronize: false })
@Check('articles_review_interval_check', '"review_interval_days" IS NULL OR "review_interval_days" BETWEEN 1 AND 3650')
export class ArticleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'category_id', type: 'uuid' })
  categoryId!: string;

  @ManyToOne(() => CategoryEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'category_id' })
  category?: CategoryEntity;

  /** The locale translations are made from. */
  @Column({ name: 'source_locale', type: 'text' })
  sourceLocale!: string;

  /** Staff-only: never reachable from the delivery API. */
  @Column({ name: 'is_internal', type: 'boolean', default: false })
  isInternal!: boolean;

  /** `<meta name="robots">` of its pages (one of ROBOTS_DIRECTIVES); null: index,follow. */
  @Column({ type: 'text', nullable: true })
  robots!: string | null;

  /** Null: the category's interval (or the configured default). */
  @Column({ name: 'review_interval_days', type: 'integer', nullable: true })
  reviewIntervalDays!: number | null;

  /** GIN-indexed (created in the migration). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  /** GIN-indexed (created in the migration). */
  @Column({ name: 'feature_keys', type: 'text', array: true, default: () => "'{}'" })
  featureKeys!: string[];

  @ManyToMany(() => ProductEntity)
  @JoinTable({
    name: 'article_products',
    joinColumn: { name: 'article_id', referencedColumnName: 'id', foreignKeyConstraintName: 'article_products_article_fk' },
    inverseJoinColumn: { name: 'product_id', referencedColumnName: 'id', foreignKeyConstraintName: 'article_products_product_fk' },
  })
  products?: ProductEntity[];

  /** Bumped by every metadata or slug change; those edits state it as their base (optimistic concurrency). */
  @Column({ name: 'metadata_version', type: 'integer', default: 1 })
  metadataVersion!: number;

  /** Soft delete: hidden from delivery, search and lists until restored (or purged by an admin). */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @Column({ name: 'deleted_by', type: 'uuid', nullable: true })
  deletedBy!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
