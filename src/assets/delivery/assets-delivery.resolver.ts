import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ArticleAssetsService } from '../../articles/article-assets.service';
import { Article } from '../../articles/delivery/article.model';
import { Public } from '../../auth/roles.decorator';
import { AssetKind } from '../asset-kind.enum';
import { ArticleAsset } from './article-asset.model';

@Public()
@Resolver(() => Article)
export class AssetsDeliveryResolver {
  constructor(private readonly articleAssets: ArticleAssetsService) {}

  @Public()
  @ResolveField(() => [ArticleAsset], { description: 'Images and attachments the article uses (in its published text, or attached by editors)' })
  async assets(@Parent() article: Article): Promise<ArticleAsset[]> {
    const assets = await this.articleAssets.ofArticle(article.id, { bodyMarkdown: article.bodyMarkdown });
    return assets.map((asset) => {
      const renderable = this.articleAssets.toRenderable(asset);
      return {
        id: asset.id,
        kind: asset.kind === 'image' ? AssetKind.Image : AssetKind.Attachment,
        url: renderable.url,
        contentType: asset.contentType,
        filename: asset.filename,
        width: asset.width,
        height: asset.height,
        alt: asset.alt,
        variants: renderable.variants,
      };
    });
  }
}
