import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDate, IsEnum, IsUUID, ValidateNested } from 'class-validator';
import { PageArgs } from '../../common/graphql/connection';
import { IsFeatureKeyList } from '../../common/validation/content-fields';
import {
  IsChangeSummary,
  IsProductIdRef,
  IsProductKey,
  IsProductKeyRef,
  IsProductName,
  IsReleaseNotes,
  IsReleaseVersion,
  MAX_RELEASE_CHANGES,
} from '../product-fields';
import { ChangeKind } from './release-enums';

@InputType()
export class CreateProductInput {
  @Field({ description: '1–64 of a-z 0-9 . _ -, starting with a letter or digit; cannot change later' }) @IsProductKey() key!: string;
  @Field() @IsProductName() name!: string;
}

@InputType()
export class UpdateProductInput {
  @Field(() => ID) @IsUUID() productId!: string;
  @Field() @IsProductName() name!: string;
}

@InputType()
export class ReleaseChangeInput {
  @Field(() => ChangeKind) @IsEnum(ChangeKind) kind!: ChangeKind;
  @Field({ description: '1–2000 characters' }) @IsChangeSummary() summary!: string;
  @Field(() => [String], { defaultValue: [], description: 'Up to 50 keys such as "billing.invoices"' }) @IsFeatureKeyList() featureKeys: string[] = [];
}

@InputType({ description: 'Give the product by productId or by productKey' })
export class RecordReleaseInput {
  @Field(() => ID, { nullable: true }) @IsProductIdRef('productKey') productId?: string | null;
  @Field(() => String, { nullable: true }) @IsProductKeyRef('productId') productKey?: string | null;
  @Field({ description: '1–64 characters, unique per product' }) @IsReleaseVersion() version!: string;
  @Field() @IsDate() releasedAt!: Date;
  @Field({ defaultValue: '', description: 'Markdown, up to 200 KiB of UTF-8' }) @IsReleaseNotes() notesMarkdown: string = '';
  @Field(() => [ReleaseChangeInput], { defaultValue: [], description: `Up to ${MAX_RELEASE_CHANGES} entries, kept in this order` })
  @IsArray()
  @ArrayMaxSize(MAX_RELEASE_CHANGES)
  @ValidateNested({ each: true })
  @Type(() => ReleaseChangeInput)
  changes: ReleaseChangeInput[] = [];
}

@ArgsType()
export class ProductsArgs extends PageArgs {}

@ArgsType()
export class ProductArgs {
  @Field(() => ID, { nullable: true }) @IsProductIdRef('key') id?: string | null;
  @Field(() => String, { nullable: true }) @IsProductKeyRef('id') key?: string | null;
}

@ArgsType()
export class ReleasesArgs extends PageArgs {
  @Field(() => ID) @IsUUID() productId!: string;
}

@ArgsType()
export class ReleaseArgs {
  @Field(() => ID) @IsUUID() id!: string;
}
