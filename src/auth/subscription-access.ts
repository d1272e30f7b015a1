import { Injectable } from '@nestjs/common';
import { websocketAuthorization, WebsocketContext } from '../common/graphql/websocket-subscriptions';
import { Role } from '../users/role.enum';
import { AuthService } from './auth.service';
import { GraphqlContext } from './graphql-context';

/** A subscription's context: its caller as resolved at start, and when that was last checked. */
export type SubscriptionContext = Partial<GraphqlContext> & WebsocketContext & { authCheckedAt?: number };

/**
 * Keeps long-lived subscriptions honest: the caller is resolved at every subscription start, and again
 * before an event is delivered once `recheckMs` have passed, so a deactivated or deleted account, a
 * revoked or expired token, or a lost role stops receiving events within that time, open socket or not.
 */
@Injectable()
export class SubscriptionAccess {
  /** How long a subscriber's check stays good. */
  recheckMs = 30_000;

  constructor(private readonly auth: AuthService) {}

  /** Resolves the caller of a subscription that is starting, from its websocket's authorization. */
  async start(context: SubscriptionContext, now = Date.now()): Promise<void> {
    await this.resolve(context);
    context.authCheckedAt = now;
  }

  /** Whether the subscriber may still receive events of a field open to `roles` (used in subscription filters). */
  async allows(context: SubscriptionContext, roles: readonly Role[], now = Date.now()): Promise<boolean> {
    context.authCheckedAt ??= now;
    if (now - context.authCheckedAt >= this.recheckMs) {
      await this.resolve(context);
      context.authCheckedAt = now;
    }
    const user = context.auth?.user;
    return user !== null && user !== undefined && roles.includes(user.role);
  }

  /** Like HTTP, a bad token is not an error here: fields that need a caller report `failure`. */
  private async resolve(context: SubscriptionContext): Promise<void> {
    const authorization = websocketAuthorization(context);
    context.auth =
      authorization === null
        ? { user: null, failure: 'Send the token as { "authorization": "Bearer <token>" } in the connection_init payload' }
        : await this.auth.resolveAuthorization(authorization);
  }
}
