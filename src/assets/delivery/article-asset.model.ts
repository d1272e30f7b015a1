import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { AssetKind } from '../asset-kind.enum';

@ObjectType({ description: 'A WebP width variant of an image' })
export class ArticleAssetVariant {
  @Field() url!: string;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
}

@ObjectType({ description: 'An image or attachment an article uses' })
export class ArticleAsset {
  @Field(() => ID) id!: string;
  @Field(() => AssetKind) kind!: AssetKind;
  @Field({ description: 'The original-format file (metadata removed); attachments download' }) url!: string;
  @Field() contentType!: string;
  @Field() filename!: string;
  @Field(() => Int, { nullable: true }) width!: number | null;
  @Field(() => Int, { nullable: true }) height!: number | null;
  @Field({ description: 'Alternative text (empty: decorative)' }) alt!: string;
  @Field(() => [ArticleAssetVariant], { description: 'WebP variants, narrowest first (images only): for srcset' }) variants!: ArticleAssetVariant[];
}
