import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance } from 'fastify';
import { ProductsModule } from '../products.module';
import { captureRawBodies } from './raw-body';
import { ReleaseWebhookController } from './release-webhook.controller';

/** `POST /webhooks/releases`. */
@Module({ imports: [ProductsModule], controllers: [ReleaseWebhookController] })
export class ReleaseWebhookModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Before Fastify is ready: its route hooks are fixed then. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) captureRawBodies(fastify);
  }
}
