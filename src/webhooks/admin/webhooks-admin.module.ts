import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks.module';
import { WebhooksAdminResolver } from './webhooks-admin.resolver';

@Module({ imports: [WebhooksModule], providers: [WebhooksAdminResolver] })
export class WebhooksAdminModule {}
