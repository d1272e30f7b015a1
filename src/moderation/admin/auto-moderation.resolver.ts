import { Args, ArgsType, Field, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { IsLocaleTag } from '../../common/validation/content-fields';
import { AutoModerationService, SettingsPatch } from '../auto/auto-moderation.service';
import { MODERATION_ROLES, MODERATION_SETTINGS_ROLES } from '../moderation-roles';
import { AddBlockedPatternInput, AutoModerationSettings, BlockedPattern, UpdateAutoModerationSettingsInput } from './auto-moderation.models';

@ArgsType()
class BlockedPatternsArgs {
  @Field(() => String, { nullable: true, description: "A locale's patterns and those of every locale; all when omitted" }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
class BlockedPatternIdArgs {
  @Field(() => ID) @IsUUID() id!: string;
}

/** The auto-moderation rules' settings and blocked patterns: moderators read them, admins change them. */
@Resolver()
export class AutoModerationResolver {
  constructor(private readonly autoModeration: AutoModerationService) {}

  @Roles(...MODERATION_ROLES)
  @Query(() => AutoModerationSettings)
  autoModerationSettings(): Promise<AutoModerationSettings> {
    return this.autoModeration.settings();
  }

  @Roles(...MODERATION_SETTINGS_ROLES)
  @Mutation(() => AutoModerationSettings, { description: 'Changes the rules (audited)' })
  updateAutoModerationSettings(@CurrentUser() user: AuthUser, @Args('input') input: UpdateAutoModerationSettingsInput): Promise<AutoModerationSettings> {
    return this.autoModeration.updateSettings({ userId: user.id }, input as SettingsPatch);
  }

  @Roles(...MODERATION_ROLES)
  @Query(() => [BlockedPattern], { description: 'Blocked words and patterns, oldest first' })
  blockedPatterns(@Args() args: BlockedPatternsArgs): Promise<BlockedPattern[]> {
    return this.autoModeration.listPatterns(args.locale ?? null);
  }

  @Roles(...MODERATION_SETTINGS_ROLES)
  @Mutation(() => BlockedPattern, { description: 'Posts containing it are held (auto:blocked_words)' })
  addBlockedPattern(@CurrentUser() user: AuthUser, @Args('input') input: AddBlockedPatternInput): Promise<BlockedPattern> {
    return this.autoModeration.addPattern({ userId: user.id }, { locale: input.locale ?? null, kind: input.kind, pattern: input.pattern });
  }

  @Roles(...MODERATION_SETTINGS_ROLES)
  @Mutation(() => BlockedPattern)
  removeBlockedPattern(@CurrentUser() user: AuthUser, @Args() args: BlockedPatternIdArgs): Promise<BlockedPattern> {
    return this.autoModeration.removePattern({ userId: user.id }, args.id);
  }
}
