import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { ADMIN_ROLES } from '../../users/role.enum';
import { DeliveryApiKeysService } from '../delivery-api-keys.service';
import { AdminCreatedDeliveryApiKey, AdminDeliveryApiKey } from './admin-delivery-api-key.model';
import { CreateDeliveryApiKeyInput, DeliveryApiKeysArgs, RevokeDeliveryApiKeyInput, UpdateDeliveryApiKeyInput } from './api-keys-admin.inputs';
import { toAdminDeliveryApiKey } from './to-admin-delivery-api-key';

@Resolver(() => AdminDeliveryApiKey)
export class ApiKeysAdminResolver {
  constructor(private readonly keys: DeliveryApiKeysService) {}

  @Roles(...ADMIN_ROLES)
  @Query(() => [AdminDeliveryApiKey], { description: 'Delivery API keys, newest first' })
  async deliveryApiKeys(@Args() args: DeliveryApiKeysArgs): Promise<AdminDeliveryApiKey[]> {
    return (await this.keys.list(args.includeRevoked)).map(toAdminDeliveryApiKey);
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminCreatedDeliveryApiKey, { description: 'The key is in the answer, once' })
  async createDeliveryApiKey(@CurrentUser() admin: AuthUser, @Args('input') input: CreateDeliveryApiKeyInput): Promise<AdminCreatedDeliveryApiKey> {
    const created = await this.keys.create(admin, { label: input.label, rateLimit: input.rateLimit ?? null });
    return { key: created.key, deliveryApiKey: toAdminDeliveryApiKey(created.apiKey) };
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminDeliveryApiKey, { description: "Changes a key's label or rate limit" })
  async updateDeliveryApiKey(@CurrentUser() admin: AuthUser, @Args('input') input: UpdateDeliveryApiKeyInput): Promise<AdminDeliveryApiKey> {
    return toAdminDeliveryApiKey(await this.keys.update(admin, input.deliveryApiKeyId, { label: input.label ?? undefined, rateLimit: input.rateLimit }));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminDeliveryApiKey, { description: 'The key stops working on every instance at once' })
  async revokeDeliveryApiKey(@CurrentUser() admin: AuthUser, @Args('input') input: RevokeDeliveryApiKeyInput): Promise<AdminDeliveryApiKey> {
    return toAdminDeliveryApiKey(await this.keys.revoke(admin, input.deliveryApiKeyId));
  }
}
