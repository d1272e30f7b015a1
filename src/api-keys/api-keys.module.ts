import { Module } from '@nestjs/common';
import { DeliveryApiKeysService } from './delivery-api-keys.service';
import { DeliveryGate } from './delivery-gate';
import { DeliveryRateLimiter } from './rate-limit/delivery-rate-limiter';

/** Delivery API keys and the delivery API's rate limits (docs/front-end.md); wired to HTTP in app.factory.ts. */
@Module({ providers: [DeliveryApiKeysService, DeliveryRateLimiter, DeliveryGate], exports: [DeliveryApiKeysService, DeliveryRateLimiter, DeliveryGate] })
export class ApiKeysModule {}
