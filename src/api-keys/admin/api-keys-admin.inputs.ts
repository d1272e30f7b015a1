import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

const RATE_LIMIT_DESCRIPTION = 'Requests per rate-limit window (RATE_LIMIT_WINDOW_SECONDS) for this key; 0: no limit; null: the default (RATE_LIMIT_PER_KEY)';

@InputType()
export class CreateDeliveryApiKeyInput {
  @Field({ description: 'Who uses the key, e.g. "Help centre (Next.js)"' }) @IsString() @Length(1, 100) label!: string;

  @Field(() => Int, { nullable: true, description: RATE_LIMIT_DESCRIPTION })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  rateLimit?: number | null;
}

@InputType()
export class UpdateDeliveryApiKeyInput {
  @Field(() => ID) @IsUUID() deliveryApiKeyId!: string;

  @Field({ nullable: true, description: 'Omit to keep the label' }) @IsOptional() @IsString() @Length(1, 100) label?: string;

  @Field(() => Int, { nullable: true, description: `${RATE_LIMIT_DESCRIPTION}. Omit to keep the current limit` })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  rateLimit?: number | null;
}

@InputType()
export class RevokeDeliveryApiKeyInput {
  @Field(() => ID) @IsUUID() deliveryApiKeyId!: string;
}

@ArgsType()
export class DeliveryApiKeysArgs {
  @Field(() => Boolean, { defaultValue: false }) @IsBoolean() includeRevoked = false;
}
