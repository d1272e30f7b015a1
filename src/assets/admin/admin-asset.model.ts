import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/connection';
import { AssetKind } from '../asset-kind.enum';

@ObjectType({ description: 'One stored file of an asset: the original format or a WebP width variant' })
export class AdminAssetFile {
  @Field() file!: string;
  @Field() url!: string;
  @Field() contentType!: string;
  @Field(() => Int) byteSize!: number;
  @Field(() => Int, { nullable: true }) width!: number | null;
  @Field(() => Int, { nullable: true }) height!: number | null;
}

@ObjectType({ description: 'An uploaded image or attachment (upload with POST /admin/assets, see docs/assets.md)' })
export class AdminAsset {
  @Field(() => ID) id!: string;
  @Field(() => AssetKind) kind!: AssetKind;
  @Field({ description: 'Hex SHA-256 of the uploaded bytes; the public URLs are made from it' }) sha256!: string;
  @Field({ description: 'Content type of the original-format file, from the sniffed bytes' }) contentType!: string;
  @Field() filename!: string;
  @Field(() => Int, { description: 'Size of the upload in bytes' }) byteSize!: number;
  @Field(() => Int, { nullable: true }) width!: number | null;
  @Field(() => Int, { nullable: true }) height!: number | null;
  @Field({ description: 'Default alternative text of an image' }) alt!: string;
  @Field({ description: 'Public URL of the original-format file' }) url!: string;
  @Field({ description: 'What to write in article Markdown: ![alt](asset:<id>) or [text](asset:<id>)' }) markdownReference!: string;
  @Field(() => [AdminAssetFile]) files!: AdminAssetFile[];
  @Field(() => ID, { nullable: true }) uploadedById!: string | null;
  @Field() createdAt!: Date;
}

@ObjectType()
export class AdminAssetConnection extends ConnectionType(AdminAsset) {}

@ObjectType({ description: 'Bytes the stored asset files take (originals and variants) against ASSET_STORAGE_QUOTA_BYTES' })
export class AdminAssetStorageUsage {
  @Field(() => Float) usedBytes!: number;
  @Field(() => Float, { description: '0: no limit' }) quotaBytes!: number;
}
