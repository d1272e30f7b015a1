import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { ForbiddenError, UnauthenticatedError } from '../common/errors/app-error';
import { Role } from '../users/role.enum';
import { AuthService } from './auth.service';
import { GraphqlContext } from './graphql-context';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** Global guard: a GraphQL resolver without @Roles or @Public is refused, never open by default. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authService: AuthService,
  ) {}

  /** Each resolver's rule, read from its metadata once (decorators do not change at run time): true when public. */
  private readonly rules = new WeakMap<Function, Map<Function, true | Role[]>>();

  private ruleOf(context: ExecutionContext): true | Role[] {
    const handler = context.getHandler();
    const owner = context.getClass();
    let byClass = this.rules.get(handler);
    let rule = byClass?.get(owner);
    if (rule === undefined) {
      const targets = [handler, owner];
      rule = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ? true : (this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? []);
      if (!byClass) this.rules.set(handler, (byClass = new Map()));
      byClass.set(owner, rule);
    }
    return rule;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const rule = this.ruleOf(context);
    // Public resolvers (every delivery read) are answered without a promise.
    return rule === true ? true : this.checkRoles(context, rule);
  }

  private async checkRoles(context: ExecutionContext, roles: Role[]): Promise<boolean> {
    if (roles.length === 0) {
      throw new Error(`${context.getClass().name}.${context.getHandler().name} declares no roles`);
    }
    const graphqlContext = GqlExecutionContext.create(context).getContext<GraphqlContext>();
    graphqlContext.auth ??= await this.authService.resolveAuthorization(graphqlContext.req.headers.authorization);
    const { auth } = graphqlContext;
    if (!auth.user) throw new UnauthenticatedError(auth.failure ?? 'Sign in to do this');
    if (!roles.includes(auth.user.role)) {
      throw new ForbiddenError('Your role does not allow this', { requiredRoles: roles });
    }
    // One rule for every mutation, so no resolver can forget it (queries and subscriptions only read).
    if (auth.user.accessToken?.readOnly && GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().operation.operation === 'mutation') {
      throw new ForbiddenError('This personal access token is read-only', { reason: 'READ_ONLY_TOKEN' });
    }
    return true;
  }
}
