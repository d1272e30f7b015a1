import { DeliveryApiKeyEntity } from '../entities/delivery-api-key.entity';
import { AdminDeliveryApiKey } from './admin-delivery-api-key.model';

export function toAdminDeliveryApiKey(apiKey: DeliveryApiKeyEntity): AdminDeliveryApiKey {
  return {
    id: apiKey.id,
    label: apiKey.label,
    keyPrefix: apiKey.keyPrefix,
    rateLimit: apiKey.rateLimit,
    createdById: apiKey.createdById,
    revokedAt: apiKey.revokedAt,
    createdAt: apiKey.createdAt,
  };
}
