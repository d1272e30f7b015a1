import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageArgs } from '../../common/graphql/connection';
import { AssetKind } from '../asset-kind.enum';

export const ALT_MAX_LENGTH = 1000;

@ArgsType()
export class AssetsArgs extends PageArgs {
  @Field(() => AssetKind, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(AssetKind))
  kind?: AssetKind | null;
}

@ArgsType()
export class AssetArgs {
  @Field(() => ID) @IsUUID() id!: string;
}

@ArgsType()
export class ArticleAssetsArgs {
  @Field(() => ID) @IsUUID() articleId!: string;
}

@InputType()
export class DescribeAssetInput {
  @Field(() => ID) @IsUUID() assetId!: string;
  @Field({ description: 'Alternative text (empty: decorative image)' }) @IsString() @MaxLength(ALT_MAX_LENGTH) alt!: string;
}

@InputType()
export class ArticleAssetInput {
  @Field(() => ID) @IsUUID() assetId!: string;
  @Field(() => ID) @IsUUID() articleId!: string;
}

@InputType()
export class DeleteAssetInput {
  @Field(() => ID) @IsUUID() assetId!: string;
}
