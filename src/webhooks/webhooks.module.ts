import { Module } from '@nestjs/common';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhooksService } from './webhooks.service';

/** Outgoing webhooks (docs/webhooks.md): endpoints, the delivery worker. Events are enqueued by enqueueWebhookEvents in the changing transaction. */
@Module({ providers: [WebhooksService, WebhookDeliveryWorker], exports: [WebhooksService, WebhookDeliveryWorker] })
export class WebhooksModule {}
