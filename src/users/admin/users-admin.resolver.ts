import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { ADMIN_ROLES } from '../role.enum';
import { UsersService } from '../users.service';
import { AdminUserConnection } from './admin-user-connection.model';
import { AdminUser } from './admin-user.model';
import { toAdminUser } from './to-admin-user';
import { ChangeUserRoleInput, CreateUserInput, UserArgs, UserIdInput, UsersArgs } from './users-admin.inputs';

@Resolver(() => AdminUser)
export class UsersAdminResolver {
  constructor(private readonly usersService: UsersService) {}

  @Roles(...ADMIN_ROLES)
  @Query(() => AdminUserConnection, { description: 'Users, oldest first' })
  async users(@Args() args: UsersArgs): Promise<AdminUserConnection> {
    const page = await this.usersService.list(args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminUser(edge.node) })) };
  }

  @Roles(...ADMIN_ROLES)
  @Query(() => AdminUser)
  async user(@Args() args: UserArgs): Promise<AdminUser> {
    return toAdminUser(await this.usersService.getById(args.id));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminUser, { description: 'Creates a user with a role and an initial password' })
  async createUser(@Args('input') input: CreateUserInput): Promise<AdminUser> {
    return toAdminUser(await this.usersService.create(input));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminUser)
  async changeUserRole(@CurrentUser() admin: AuthUser, @Args('input') input: ChangeUserRoleInput): Promise<AdminUser> {
    return toAdminUser(await this.usersService.changeRole(admin.id, input.userId, input.role));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminUser, { description: 'Blocks sign-in and every token of the user' })
  async deactivateUser(@CurrentUser() admin: AuthUser, @Args('input') input: UserIdInput): Promise<AdminUser> {
    return toAdminUser(await this.usersService.deactivate(admin.id, input.userId));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminUser)
  async reactivateUser(@Args('input') input: UserIdInput): Promise<AdminUser> {
    return toAdminUser(await this.usersService.reactivate(input.userId));
  }
}
