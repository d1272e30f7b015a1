import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ContentGapSource, ContentGapStatus } from '../entities/content-gap.entity';
import { StaleFlagStatus, StaleSeverity, StaleSignal } from '../entities/stale-flag.entity';
import { ProductChangeEvidence, StaleFlagEvidence, StaleFlagEvidenceType } from './stale-flag-evidence.models';

registerEnumType(StaleSignal, { name: 'StaleSignal', description: 'Which detector raised a stale flag' });
registerEnumType(StaleSeverity, { name: 'StaleSeverity' });
registerEnumType(StaleFlagStatus, { name: 'StaleFlagStatus', description: 'open → acknowledged → resolved / dismissed' });
registerEnumType(ContentGapSource, { name: 'ContentGapSource' });
registerEnumType(ContentGapStatus, { name: 'ContentGapStatus' });

@ObjectType({ description: 'A signal that an article (in one locale) may no longer be right' })
export class StaleFlag {
  @Field(() => ID) id!: string;
  @Field(() => ID) articleId!: string;
  @Field() locale!: string;
  @Field(() => StaleSignal) signal!: StaleSignal;
  @Field(() => StaleSeverity) severity!: StaleSeverity;
  @Field(() => StaleFlagStatus) status!: StaleFlagStatus;
  @Field(() => Float) score!: number;
  @Field({ description: 'One line for editors' }) reason!: string;
  @Field({ description: 'The evidence as JSON; its shape depends on the signal (docs/staleness.md)' }) evidenceJson!: string;
  @Field(() => StaleFlagEvidence, {
    nullable: true,
    description: 'The evidence, typed per signal (null only for a stored shape that does not match its signal)',
  })
  evidence!: StaleFlagEvidenceType | null;
  @Field(() => ProductChangeEvidence, { nullable: true, description: 'Same as `evidence` for a product-change flag (kept for compatibility)' })
  productChange!: ProductChangeEvidence | null;
  @Field() raisedAt!: Date;
  @Field({ description: 'When its evidence was last refreshed (newer evidence updates an open outdated-translation flag in place); raisedAt until then' })
  updatedAt!: Date;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => ID, { nullable: true }) acknowledgedBy!: string | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  @Field(() => ID, { nullable: true, description: 'Who resolved or dismissed it (also who archived, unpublished or deleted the article); null when a publish or verification resolved it' })
  closedBy!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The editor's reason or note, or revision-published, verified, article-archived, article-unpublished, article-deleted, superseded (docs/staleness.md)",
  })
  closeReason!: string | null;
}

@ObjectType()
export class FreshnessQueueItem {
  @Field(() => ID) articleId!: string;
  @Field() locale!: string;
  @Field() title!: string;
  @Field(() => Float) priority!: number;
  @Field(() => Int, { description: '0–100; 100 = no open flag' }) freshnessScore!: number;
  @Field(() => [String]) reasons!: string[];
  @Field(() => Int) views30d!: number;
  @Field(() => [StaleFlag]) flags!: StaleFlag[];
}

@ObjectType()
export class SignalCount {
  @Field(() => StaleSignal) signal!: StaleSignal;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class FreshnessQueue {
  @Field(() => [FreshnessQueueItem]) items!: FreshnessQueueItem[];
  @Field(() => Int) totalCount!: number;
  @Field(() => [SignalCount]) countsBySignal!: SignalCount[];
}

@ObjectType()
export class ContentGap {
  @Field(() => ID) id!: string;
  @Field(() => ContentGapSource) source!: ContentGapSource;
  @Field(() => ContentGapStatus) status!: ContentGapStatus;
  @Field() locale!: string;
  @Field() title!: string;
  @Field(() => Float) weight!: number;
  @Field() evidenceJson!: string;
  @Field(() => ID, { nullable: true }) articleId!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When it was drafted or dismissed' }) closedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it was dismissed' }) closeReason!: string | null;
}

@ObjectType()
export class StalenessScanResult {
  @Field(() => Int) releasesScanned!: number;
  @Field(() => Int) flagsRaised!: number;
  @Field(() => Int) contentGapsCreated!: number;
}

@ObjectType()
export class ReleaseScanResult {
  @Field(() => ID) releaseId!: string;
  @Field(() => Int) articlesScanned!: number;
  @Field(() => Int) flagsRaised!: number;
}

@InputType()
export class FreshnessFilterInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() productId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() categoryId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(35) locale?: string | null;
  @Field(() => StaleSignal, { nullable: true }) @IsOptional() @IsEnum(StaleSignal) signal?: StaleSignal | null;
  @Field(() => ID, { nullable: true, description: 'The article creator' }) @IsOptional() @IsUUID() ownerId?: string | null;
}

@ArgsType()
export class FreshnessQueueArgs {
  @Field(() => FreshnessFilterInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => FreshnessFilterInput) filter?: FreshnessFilterInput | null;
  @Field(() => Int, { defaultValue: 20 }) @IsInt() @Min(1) @Max(100) first = 20;
  @Field(() => Int, { defaultValue: 0 }) @IsInt() @Min(0) @Max(100_000) offset = 0;
}

@ArgsType()
export class ContentGapsArgs {
  @Field(() => ContentGapStatus, { nullable: true }) @IsOptional() @IsEnum(ContentGapStatus) status?: ContentGapStatus | null;
  @Field(() => ContentGapSource, { nullable: true }) @IsOptional() @IsEnum(ContentGapSource) source?: ContentGapSource | null;
  @Field(() => Int, { defaultValue: 50 }) @IsInt() @Min(1) @Max(200) first = 50;
}

@InputType()
export class StaleFlagInput {
  @Field(() => ID) @IsUUID() flagId!: string;
}

@InputType()
export class DismissStaleFlagInput {
  @Field(() => ID) @IsUUID() flagId!: string;
  @Field({ description: '1–2000 characters; the same evidence will not raise the flag again' }) @IsString() @Length(1, 2000) reason!: string;
}

@InputType()
export class ResolveStaleFlagInput {
  @Field(() => ID) @IsUUID() flagId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) note?: string | null;
}

@InputType()
export class ScanReleaseInput {
  @Field(() => ID) @IsUUID() releaseId!: string;
}

@ArgsType()
export class StaleFlagIdArgs {
  @Field(() => ID) @IsUUID() id!: string;
}

@InputType()
export class DismissContentGapInput {
  @Field(() => ID) @IsUUID() gapId!: string;
  @Field({ description: '1–2000 characters; the same search or question group will not raise the gap again' }) @IsString() @Length(1, 2000) reason!: string;
}

@InputType()
export class CreateArticleFromContentGapInput {
  @Field(() => ID) @IsUUID() gapId!: string;
  @Field(() => ID, { nullable: true, description: 'Default: the first top-level category' }) @IsOptional() @IsUUID() categoryId?: string | null;
}
