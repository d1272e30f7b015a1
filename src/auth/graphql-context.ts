import { FastifyReply, FastifyRequest } from 'fastify';
import { AuthState } from './auth-user';

export interface GraphqlContext {
  req: FastifyRequest;
  reply: FastifyReply;
  /** Resolved by RolesGuard, only for fields that need a caller. */
  auth?: AuthState;
}
