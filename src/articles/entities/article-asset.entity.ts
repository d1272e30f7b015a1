import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssetEntity } from '../../assets/entities/asset.entity';
import { ArticleEntity } from './article.entity';

/**
 * An asset used by an article: referenced from a revision's Markdown (`asset:<id>`, recorded when the revision
 * is saved) or attached by an editor. An asset in use cannot be deleted (the foreign key restricts it).
 */
@Entity('article_assets')
@Index('article_assets_asset_idx', ['assetId'])
export class ArticleAssetEntity {
  @PrimaryColumn({ name: 'article_id', type: 'uuid', primaryKeyConstraintName: 'article_assets_pkey' })
  articleId!: string;

  @PrimaryColumn({ name: 'asset_id', type: 'uuid', primaryKeyConstraintName: 'article_assets_pkey' })
  assetId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'article_assets_article_id_fkey' })
  article?: ArticleEntity;

  @ManyToOne(() => AssetEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'article_assets_asset_id_fkey' })
  asset?: AssetEntity;

  /** Attached by an editor (listed in delivery whatever the text says); false: only referenced from some revision. */
  @Column({ name: 'is_attached', type: 'boolean', default: false })
  isAttached!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
