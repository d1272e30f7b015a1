import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { EDITORIAL_ROLES } from '../../users/role.enum';
import { KnowledgeCaptureService } from '../capture/knowledge-capture.service';
import { PromoteThreadInput } from './moderation.inputs';
import { ThreadPromotion } from './moderation.models';

@Resolver()
export class KnowledgeCaptureResolver {
  constructor(private readonly capture: KnowledgeCaptureService) {}

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => ThreadPromotion, {
    description: 'Drafts a help article from a solved thread: title and intro from the question, body from the accepted answer, credit and a link back',
  })
  promoteThreadToArticle(@CurrentUser() user: AuthUser, @Args('input') input: PromoteThreadInput): Promise<ThreadPromotion> {
    return this.capture.promote(user, input.threadId, input.categoryId ?? null);
  }
}
