import { ArgsType, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { ContentGapSource } from '../entities/content-gap.entity';
import { StaleSeverity, StaleSignal } from '../entities/stale-flag.entity';
import { FreshnessFilterInput } from './staleness-admin.models';

export enum FreshnessChange {
  FlagRaised = 'raised',
  /** Newer evidence refreshed an open flag in place (severity and evidence may differ; status did not change). */
  FlagUpdated = 'updated',
  FlagAcknowledged = 'acknowledged',
  FlagResolved = 'resolved',
  FlagDismissed = 'dismissed',
  FlagReopened = 'open',
  GapCreated = 'gap_created',
  GapDrafted = 'gap_drafted',
  GapDismissed = 'gap_dismissed',
  GapReopened = 'gap_open',
}
registerEnumType(FreshnessChange, { name: 'FreshnessChange', description: 'What happened to a stale flag or a content gap' });

@ObjectType({ description: 'A stale flag raised or changing status, or a content gap created or changing status, pushed to subscribed editors' })
export class AdminFreshnessQueueEvent {
  @Field(() => FreshnessChange) change!: FreshnessChange;
  @Field(() => ID, { nullable: true, description: 'Set for flag changes' }) flagId!: string | null;
  @Field(() => ID, { nullable: true, description: 'Set for content-gap changes' }) gapId!: string | null;
  @Field(() => ID, { nullable: true, description: "The flag's article, or a drafted gap's article" }) articleId!: string | null;
  @Field() locale!: string;
  @Field(() => StaleSignal, { nullable: true, description: 'Flags only' }) signal!: StaleSignal | null;
  @Field(() => StaleSeverity, { nullable: true, description: 'Flags only' }) severity!: StaleSeverity | null;
  @Field(() => ContentGapSource, { nullable: true, description: 'Content gaps only' }) gapSource!: ContentGapSource | null;
  @Field(() => String, { nullable: true, description: 'Content gaps only' }) gapTitle!: string | null;
  @Field(() => ID, { nullable: true, description: "The flag's article category" }) categoryId!: string | null;
  @Field(() => [ID], { description: "The flag's article products (empty for gaps)" }) productIds!: string[];
  @Field() occurredAt!: Date;
}

@ArgsType()
export class FreshnessQueueChangedArgs {
  @Field(() => FreshnessFilterInput, {
    nullable: true,
    description: 'product, category, locale, signal (ownerId is not used here); content gaps have no product or category',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => FreshnessFilterInput)
  filter?: FreshnessFilterInput | null;
}
