import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ALL_ROLES } from '../../users/role.enum';
import type { AuthUser } from '../auth-user';
import { AuthService } from '../auth.service';
import { ClientIp, CurrentUser } from '../current-user.decorator';
import { Public, Roles } from '../roles.decorator';
import { ChangePasswordInput, LoginInput, SignUpInput } from './auth-delivery.inputs';
import { toViewer } from './to-viewer';
import { Viewer, ViewerSession } from './viewer.models';

@Resolver()
export class AuthDeliveryResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => ViewerSession, { description: 'Creates a member account and signs it in' })
  async signUp(@Args('input') input: SignUpInput, @ClientIp() ip: string): Promise<ViewerSession> {
    const session = await this.auth.signUpMember(input, ip);
    return { accessToken: session.accessToken, expiresAt: session.expiresAt, viewer: toViewer(session.user) };
  }

  @Public()
  @Mutation(() => ViewerSession)
  async login(@Args('input') input: LoginInput, @ClientIp() ip: string): Promise<ViewerSession> {
    const session = await this.auth.loginMember({ ...input, ip });
    return { accessToken: session.accessToken, expiresAt: session.expiresAt, viewer: toViewer(session.user) };
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => ViewerSession, {
    description: 'Changes your password (signed-in session only, current password to confirm): every session signed in before ends, this one too; the answer is a new session',
  })
  async changePassword(@CurrentUser() user: AuthUser, @Args('input') input: ChangePasswordInput, @ClientIp() ip: string): Promise<ViewerSession> {
    const session = await this.auth.changePassword(user, input, ip);
    return { accessToken: session.accessToken, expiresAt: session.expiresAt, viewer: toViewer(session.user) };
  }

  @Roles(...ALL_ROLES)
  @Query(() => Viewer, { description: 'The signed-in account' })
  me(@CurrentUser() user: AuthUser): Viewer {
    return toViewer(user.account);
  }
}
