import { GraphqlRequestContext } from '../common/graphql/graphql-request-context';
import { AuthState } from './auth-user';

export interface GraphqlContext extends GraphqlRequestContext {
  /** Resolved by RolesGuard, only for fields that need a caller. */
  auth?: AuthState;
}
