import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { EDITORIAL_ROLES } from '../../users/role.enum';
import { PreviewTokensService } from '../preview/preview-tokens.service';
import { AdminCreatedPreviewToken, AdminPreviewToken, AdminPreviewTokenConnection } from './admin-preview-token.model';
import { CreatePreviewTokenInput, PreviewTokenIdInput, PreviewTokensArgs } from './preview-tokens-admin.inputs';
import { toAdminPreviewToken } from './to-admin-preview-token';

/** Draft-preview tokens for front-end preview modes (docs/front-end.md, "Draft preview"). */
@Resolver(() => AdminPreviewToken)
export class PreviewTokensAdminResolver {
  constructor(private readonly tokens: PreviewTokensService) {}

  @Roles(...EDITORIAL_ROLES)
  @Query(() => AdminPreviewTokenConnection, { description: 'Preview tokens, newest first (active ones unless includeInactive)' })
  async previewTokens(@Args() args: PreviewTokensArgs): Promise<AdminPreviewTokenConnection> {
    const page = await this.tokens.list(args.includeInactive, args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminPreviewToken(edge.node) })) };
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => AdminCreatedPreviewToken, { description: 'Mints a short-lived token that shows head drafts of an article or a locale on the delivery API' })
  async createPreviewToken(@CurrentUser() editor: AuthUser, @Args('input') input: CreatePreviewTokenInput): Promise<AdminCreatedPreviewToken> {
    const created = await this.tokens.create(editor, input);
    return { token: created.token, previewToken: toAdminPreviewToken(created.previewToken) };
  }

  @Roles(...EDITORIAL_ROLES)
  @Mutation(() => AdminPreviewToken, { description: 'Revokes a preview token at once (revoking again changes nothing)' })
  async revokePreviewToken(@CurrentUser() editor: AuthUser, @Args('input') input: PreviewTokenIdInput): Promise<AdminPreviewToken> {
    return toAdminPreviewToken(await this.tokens.revoke(editor, input.id));
  }
}
