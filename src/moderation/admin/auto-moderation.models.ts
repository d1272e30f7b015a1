import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, Max, Min, ValidateIf } from 'class-validator';
import { IsLocaleTag } from '../../common/validation/content-fields';
import { BlockedPatternKind } from '../entities/blocked-pattern.entity';

registerEnumType(BlockedPatternKind, { name: 'BlockedPatternKind', description: 'A word or phrase (word boundaries), or a linear-time regular expression' });

@ObjectType({ description: 'The auto-moderation rules; a null threshold turns its rule off' })
export class AutoModerationSettings {
  @Field({ description: "Hold every post of trust-level-0 members, whatever the board's policy" }) holdTrustLevelZero!: boolean;
  @Field(() => Int, { nullable: true, description: 'Hold posts with more distinct links than this' }) maxLinks!: number | null;
  @Field(() => Int, { nullable: true, description: 'Hold a text already posted in another thread within this many minutes' }) duplicateTextWindowMinutes!: number | null;
  @Field(() => Int, { description: 'Shorter texts never count as repeats' }) duplicateTextMinChars!: number;
  @Field(() => Int, { nullable: true, description: "Hold a post written less than this many seconds after the member's previous one" }) fastPostingSeconds!: number | null;
  @Field(() => Int, { description: 'Fast posting is checked up to this trust level' }) fastPostingMaxTrustLevel!: number;
  @Field(() => Int, { description: 'Posts per member per window (beyond: RATE_LIMITED)' }) postRateLimit!: number;
  @Field(() => Int) postRateWindowSeconds!: number;
  @Field(() => Int, { description: 'Flags per member per window (beyond: RATE_LIMITED)' }) flagRateLimit!: number;
  @Field(() => Int) flagRateWindowSeconds!: number;
  @Field(() => Int, { nullable: true, description: 'Silence a member automatically after this many rejected posts within the window' }) autoSilenceRejections!: number | null;
  @Field(() => Int) autoSilenceWindowDays!: number;
  @Field(() => Int) autoSilenceHours!: number;
  @Field() updatedAt!: Date;
}

/** An optional integer in [min, max]; null only where it turns a rule off (`nullable`), otherwise BAD_USER_INPUT. */
function Bounded(min: number, max: number, nullable = false): PropertyDecorator {
  const presence = nullable ? IsOptional() : ValidateIf((_, value) => value !== undefined);
  return (target, key) => [presence, IsInt(), Min(min), Max(max)].forEach((decorate) => decorate(target, key));
}

@InputType({ description: 'Only the fields given change; null turns a nullable rule off' })
export class UpdateAutoModerationSettingsInput {
  @Field(() => Boolean, { nullable: true }) @ValidateIf((_, value) => value !== undefined) @IsBoolean() holdTrustLevelZero?: boolean;
  @Field(() => Int, { nullable: true }) @Bounded(0, 1000, true) maxLinks?: number | null;
  @Field(() => Int, { nullable: true }) @Bounded(1, 525_600, true) duplicateTextWindowMinutes?: number | null;
  @Field(() => Int, { nullable: true }) @Bounded(1, 10_000) duplicateTextMinChars?: number;
  @Field(() => Int, { nullable: true }) @Bounded(1, 86_400, true) fastPostingSeconds?: number | null;
  @Field(() => Int, { nullable: true }) @Bounded(0, 4) fastPostingMaxTrustLevel?: number;
  @Field(() => Int, { nullable: true }) @Bounded(1, 100_000) postRateLimit?: number;
  @Field(() => Int, { nullable: true }) @Bounded(1, 86_400) postRateWindowSeconds?: number;
  @Field(() => Int, { nullable: true }) @Bounded(1, 100_000) flagRateLimit?: number;
  @Field(() => Int, { nullable: true }) @Bounded(1, 86_400) flagRateWindowSeconds?: number;
  @Field(() => Int, { nullable: true }) @Bounded(1, 1000, true) autoSilenceRejections?: number | null;
  @Field(() => Int, { nullable: true }) @Bounded(1, 3650) autoSilenceWindowDays?: number;
  @Field(() => Int, { nullable: true }) @Bounded(1, 87_600) autoSilenceHours?: number;
}

@ObjectType()
export class BlockedPattern {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: 'Null: every locale' }) locale!: string | null;
  @Field(() => BlockedPatternKind) kind!: BlockedPatternKind;
  @Field() pattern!: string;
  @Field() createdAt!: Date;
}

@InputType()
export class AddBlockedPatternInput {
  @Field(() => String, { nullable: true, description: 'Null: every locale' }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => BlockedPatternKind) @IsEnum(BlockedPatternKind) kind!: BlockedPatternKind;
  @Field({ description: 'At most 200 characters' }) @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() pattern!: string;
}
