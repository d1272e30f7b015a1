import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ArticleAssetsService } from '../../articles/article-assets.service';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { AppConfig } from '../../config/app-config';
import { EDITORIAL_ROLES, STAFF_ROLES } from '../../users/role.enum';
import { AssetsService } from '../assets.service';
import { AdminAsset, AdminAssetConnection, AdminAssetStorageUsage } from './admin-asset.model';
import { ArticleAssetInput, ArticleAssetsArgs, AssetArgs, AssetsArgs, DeleteAssetInput, DescribeAssetInput } from './assets-admin.inputs';
import { toAdminAsset } from './to-admin-asset';

/** Uploading is REST (`POST /admin/assets`, multipart); listing, describing, attaching and deleting are here. */
@Resolver(() => AdminAsset)
export class AssetsAdminResolver {
  constructor(
    private readonly assetsService: AssetsService,
    private readonly articleAssetsService: ArticleAssetsService,
    private readonly config: AppConfig,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => AdminAssetConnection, { description: 'Uploaded assets, newest first' })
  async assets(@Args() args: AssetsArgs): Promise<AdminAssetConnection> {
    const page = await this.assetsService.list({ kind: args.kind ?? null, first: args.first, after: args.after });
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: this.toModel(edge.node) })) };
  }

  @Roles(...STAFF_ROLES)
  @Query(() => AdminAsset)
  async asset(@Args() args: AssetArgs): Promise<AdminAsset> {
    return this.toModel(await this.assetsService.get(args.id));
  }

  @Roles(...STAFF_ROLES)
  @Query(() => AdminAssetStorageUsage, { description: 'Bytes stored against the storage quota (uploads past it: QUOTA_EXCEEDED)' })
  async assetStorageUsage(): Promise<AdminAssetStorageUsage> {
    return this.assetsService.storageUsage();
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [AdminAsset], { description: 'The assets an article uses (attached, or referenced from a saved revision)' })
  async articleAssets(@Args() args: ArticleAssetsArgs): Promise<AdminAsset[]> {
    return (await this.articleAssetsService.ofArticle(args.articleId)).map((asset) => this.toModel(asset));
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => AdminAsset, { description: 'Sets the default alternative text of an asset' })
  async describeAsset(@CurrentUser() editor: AuthUser, @Args('input') input: DescribeAssetInput): Promise<AdminAsset> {
    return this.toModel(await this.assetsService.describe(editor, input.assetId, input.alt));
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => AdminAsset, { description: 'Lists the asset among the article’s assets (Article.assets in delivery)' })
  async attachAssetToArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleAssetInput): Promise<AdminAsset> {
    return this.toModel(await this.articleAssetsService.attach(editor, input.assetId, input.articleId));
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => AdminAsset)
  async detachAssetFromArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleAssetInput): Promise<AdminAsset> {
    return this.toModel(await this.articleAssetsService.detach(editor, input.assetId, input.articleId));
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => AdminAsset, { description: 'Deletes the asset and its files; CONFLICT (ASSET_IN_USE) while an article uses it' })
  async deleteAsset(@CurrentUser() editor: AuthUser, @Args('input') input: DeleteAssetInput): Promise<AdminAsset> {
    return this.toModel(await this.assetsService.delete(editor, input.assetId));
  }

  private toModel(asset: Parameters<typeof toAdminAsset>[0]): AdminAsset {
    return toAdminAsset(asset, this.config.assets.publicUrl);
  }
}
