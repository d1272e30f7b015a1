import { FastifyReply, FastifyRequest } from 'fastify';

/** What both GraphQL endpoints put in every resolver's context; `auth` adds the caller (`GraphqlContext`). */
export interface GraphqlRequestContext {
  req: FastifyRequest;
  reply: FastifyReply;
}
