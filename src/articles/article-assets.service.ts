import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { AssetsService, RenderableAsset } from '../assets/assets.service';
import { AssetEntity } from '../assets/entities/asset.entity';
import { ARTICLE_CHANGED_CHANNEL } from '../changes/content-changes';
import { recordAudit } from '../common/audit/record-audit';
import { ConflictError, NotFoundError } from '../common/errors/app-error';
import { assetReferencesOf } from './content/render-markdown';
import { ArticleAssetEntity } from './entities/article-asset.entity';
import { ArticleEntity } from './entities/article.entity';

/** Which assets an article uses: attached by editors, or referenced from a saved revision's Markdown. */
@Injectable()
export class ArticleAssetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly assets: AssetsService,
  ) {}

  /**
   * NOT_FOUND unless the article exists, CONFLICT `ARTICLE_DELETED` when it is soft-deleted: an upload that attaches
   * checks it before reading the file (and again as it attaches).
   */
  async requireArticle(articleId: string): Promise<void> {
    assertAttachable(await this.dataSource.getRepository(ArticleEntity).findOneBy({ id: articleId }), articleId);
  }

  async attach(editor: AuthUser, assetId: string, articleId: string): Promise<AssetEntity> {
    return this.dataSource.transaction(async (tx) => {
      // FOR KEY SHARE: an asset deleted at the same moment is then gone (NOT_FOUND) or waits and finds itself in use.
      const asset = await tx.findOne(AssetEntity, { where: { id: assetId }, lock: { mode: 'for_key_share' } });
      if (!asset) throw new NotFoundError('Asset', assetId);
      await this.attachIn(tx, editor, assetId, articleId);
      return asset;
    });
  }

  /**
   * Attaches in the caller's transaction (an upload's, so a failed attach keeps nothing); NOT_FOUND when the article
   * is gone, CONFLICT `ARTICLE_DELETED` when it is soft-deleted. FOR SHARE until the transaction ends: a soft delete
   * or purge (which take the row FOR UPDATE) at the same moment either waits for the attach or is seen by it.
   */
  async attachIn(tx: EntityManager, editor: AuthUser, assetId: string, articleId: string): Promise<void> {
    assertAttachable(await tx.findOne(ArticleEntity, { where: { id: articleId }, lock: { mode: 'pessimistic_read' } }), articleId);
    await tx.query(
      `INSERT INTO article_assets (article_id, asset_id, is_attached) VALUES ($1, $2, true)
       ON CONFLICT (article_id, asset_id) DO UPDATE SET is_attached = true`,
      [articleId, assetId],
    );
    await recordAudit(tx, { actorId: editor.id, action: 'article.asset.attach', subjectKind: 'article', subjectId: articleId, after: { assetId } });
    await announce(tx, articleId);
  }

  /** NOT_FOUND without the link; CONFLICT `ARTICLE_DELETED` for a soft-deleted article (held FOR SHARE, as attaching does). */
  async detach(editor: AuthUser, assetId: string, articleId: string): Promise<AssetEntity> {
    return this.dataSource.transaction(async (tx) => {
      const asset = await tx.findOne(AssetEntity, { where: { id: assetId } });
      if (!asset) throw new NotFoundError('Asset', assetId);
      assertAttachable(await tx.findOne(ArticleEntity, { where: { id: articleId }, lock: { mode: 'pessimistic_read' } }), articleId);
      const { affected } = await tx.delete(ArticleAssetEntity, { articleId, assetId });
      if (!affected) throw new NotFoundError('Article asset', `${articleId}/${assetId}`);
      await recordAudit(tx, { actorId: editor.id, action: 'article.asset.detach', subjectKind: 'article', subjectId: articleId, before: { assetId } });
      await announce(tx, articleId);
      return asset;
    });
  }

  /** Records the assets a revision's Markdown refers to (those that exist, held FOR KEY SHARE against a deletion), in the revision's transaction. */
  async recordReferences(tx: EntityManager, articleId: string, assetIds: readonly string[]): Promise<void> {
    if (assetIds.length === 0) return;
    await tx.query(
      `INSERT INTO article_assets (article_id, asset_id)
       SELECT $1, a.id FROM assets a WHERE a.id = ANY($2::uuid[]) FOR KEY SHARE
       ON CONFLICT DO NOTHING`,
      [articleId, assetIds],
    );
  }

  /** The assets among `ids` that exist, for the renderer, read in the caller's transaction. */
  renderable(tx: EntityManager, ids: readonly string[]): Promise<Map<string, RenderableAsset>> {
    return this.assets.renderable(tx, ids);
  }

  /**
   * The article's assets, in the order they were attached (then uploaded): all of them, or with `publicFor`
   * (the Markdown of the published revision) only those attached by editors or referenced from that text, so
   * an asset used only in a draft is not listed publicly.
   */
  async ofArticle(articleId: string, publicFor?: { bodyMarkdown: string }): Promise<AssetEntity[]> {
    const query = this.dataSource.manager
      .createQueryBuilder(AssetEntity, 'asset')
      .innerJoin(ArticleAssetEntity, 'link', 'link.asset_id = asset.id')
      .where('link.article_id = :articleId', { articleId });
    if (publicFor) {
      query.andWhere('(link.is_attached OR asset.id = ANY(CAST(:referenced AS uuid[])))', { referenced: assetReferencesOf(publicFor.bodyMarkdown) });
    }
    return query
      .orderBy('link.created_at', 'ASC')
      .addOrderBy('asset.created_at', 'ASC')
      .addOrderBy('asset.id', 'ASC')
      .getMany();
  }

  toRenderable(asset: AssetEntity): RenderableAsset {
    return this.assets.toRenderable(asset);
  }
}

function assertAttachable(article: ArticleEntity | null, articleId: string): void {
  if (!article) throw new NotFoundError('Article', articleId);
  if (article.deletedAt) throw new ConflictError('The article is deleted; restore it first', { reason: 'ARTICLE_DELETED' });
}

async function announce(tx: EntityManager, articleId: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [ARTICLE_CHANGED_CHANNEL, articleId]);
}
