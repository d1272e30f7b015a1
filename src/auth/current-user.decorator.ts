import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { UnauthenticatedError } from '../common/errors/app-error';
import { AuthUser } from './auth-user';
import { GraphqlContext } from './graphql-context';

/** The authenticated caller; only on resolvers whose @Roles guarantee one. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  const { auth } = GqlExecutionContext.create(context).getContext<GraphqlContext>();
  if (!auth?.user) throw new UnauthenticatedError(auth?.failure ?? 'Sign in to do this');
  return auth.user;
});

/** The client address as Fastify sees it (honours TRUST_PROXY). */
export const ClientIp = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => GqlExecutionContext.create(context).getContext<GraphqlContext>().req.ip,
);
