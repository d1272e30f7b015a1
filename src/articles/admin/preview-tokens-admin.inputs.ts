import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PageArgs } from '../../common/graphql/connection';
import { IsLocaleTag, IsOptionalText } from '../../common/validation/content-fields';
import { PREVIEW_TOKEN_DEFAULT_SECONDS, PREVIEW_TOKEN_MAX_SECONDS, PREVIEW_TOKEN_MIN_SECONDS } from '../preview/preview-token';

@InputType()
export class CreatePreviewTokenInput {
  @Field(() => ID, { nullable: true, description: 'Scope: one article (all its locales unless locale is given too)' })
  @IsOptional()
  @IsUUID()
  articleId?: string | null;

  @Field(() => String, { nullable: true, description: 'Scope: one locale (every article unless articleId is given too)' })
  @IsOptional()
  @IsLocaleTag()
  locale?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Lifetime in seconds, ${PREVIEW_TOKEN_MIN_SECONDS} to ${PREVIEW_TOKEN_MAX_SECONDS} (7 days); default ${PREVIEW_TOKEN_DEFAULT_SECONDS}`,
  })
  @IsOptional()
  @IsInt()
  @Min(PREVIEW_TOKEN_MIN_SECONDS)
  @Max(PREVIEW_TOKEN_MAX_SECONDS)
  expiresInSeconds?: number | null;

  @Field(() => String, { nullable: true, description: 'What the token is for (e.g. "Staging preview for the pricing launch")' })
  @IsOptionalText(200)
  label?: string | null;
}

@InputType()
export class PreviewTokenIdInput {
  @Field(() => ID) @IsUUID() id!: string;
}

@ArgsType()
export class PreviewTokensArgs extends PageArgs {
  @Field(() => Boolean, { defaultValue: false, description: 'Also expired and revoked tokens' }) @IsBoolean() includeInactive = false;
}
