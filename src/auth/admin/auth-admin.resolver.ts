import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AdminUser } from '../../users/admin/admin-user.model';
import { toAdminUser } from '../../users/admin/to-admin-user';
import { ADMIN_ROLES, STAFF_ROLES } from '../../users/role.enum';
import { AccessTokensService } from '../access-tokens.service';
import type { AuthUser } from '../auth-user';
import { AuthService } from '../auth.service';
import { ClientIp, CurrentUser } from '../current-user.decorator';
import { Public, Roles } from '../roles.decorator';
import { AccessTokensArgs, AdminChangePasswordInput, AdminLoginInput, CreateAccessTokenInput, RevokeAccessTokenInput, UserAccessTokensArgs } from './auth-admin.inputs';
import { AdminAccessToken, AdminCreatedAccessToken, AdminSession } from './auth-admin.models';
import { toAdminAccessToken } from './to-admin-access-token';

@Resolver()
export class AuthAdminResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: AccessTokensService,
  ) {}

  @Public()
  @Mutation(() => AdminSession, { description: 'Signs a staff member in; members are refused' })
  async login(@Args('input') input: AdminLoginInput, @ClientIp() ip: string): Promise<AdminSession> {
    const session = await this.auth.loginStaff({ ...input, ip });
    return { accessToken: session.accessToken, expiresAt: session.expiresAt, user: toAdminUser(session.user) };
  }

  @Roles(...STAFF_ROLES)
  @Mutation(() => AdminSession, {
    description: 'Changes your password (signed-in session only, current password to confirm): every session signed in before ends, this one too; the answer is a new session',
  })
  async changePassword(@CurrentUser() user: AuthUser, @Args('input') input: AdminChangePasswordInput, @ClientIp() ip: string): Promise<AdminSession> {
    const session = await this.auth.changePassword(user, input, ip);
    return { accessToken: session.accessToken, expiresAt: session.expiresAt, user: toAdminUser(session.user) };
  }

  @Roles(...STAFF_ROLES)
  @Query(() => AdminUser)
  me(@CurrentUser() user: AuthUser): AdminUser {
    return toAdminUser(user.account);
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [AdminAccessToken], { description: 'Your personal access tokens, newest first' })
  async accessTokens(@CurrentUser() user: AuthUser, @Args() args: AccessTokensArgs): Promise<AdminAccessToken[]> {
    return (await this.tokens.listForUser(user.id, args.includeRevoked)).map(toAdminAccessToken);
  }

  @Roles(...ADMIN_ROLES)
  @Query(() => [AdminAccessToken], { description: "Any user's personal access tokens, newest first" })
  async userAccessTokens(@Args() args: UserAccessTokensArgs): Promise<AdminAccessToken[]> {
    return (await this.tokens.listForUser(args.userId, args.includeRevoked)).map(toAdminAccessToken);
  }

  @Roles(...STAFF_ROLES)
  @Mutation(() => AdminCreatedAccessToken, { description: 'The token secret is in the answer, once. Only a signed-in session creates tokens (FORBIDDEN for a token)' })
  async createAccessToken(@CurrentUser() user: AuthUser, @Args('input') input: CreateAccessTokenInput): Promise<AdminCreatedAccessToken> {
    const created = await this.tokens.create(user, { name: input.name, expiresInDays: input.expiresInDays ?? null, role: input.role ?? null, readOnly: input.readOnly });
    return { token: created.token, accessToken: toAdminAccessToken(created.accessToken) };
  }

  @Roles(...STAFF_ROLES)
  @Mutation(() => AdminAccessToken, { description: 'Your own token, or (admins) anyone\'s; it stops working at once' })
  async revokeAccessToken(@CurrentUser() user: AuthUser, @Args('input') input: RevokeAccessTokenInput): Promise<AdminAccessToken> {
    return toAdminAccessToken(await this.tokens.revoke(user, input.accessTokenId));
  }
}
