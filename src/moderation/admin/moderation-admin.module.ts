import { Module } from '@nestjs/common';
import { ModerationModule } from '../moderation.module';
import { ModerationActionsResolver, ModerationQueueResolver } from './moderation-admin.resolver';

@Module({ imports: [ModerationModule], providers: [ModerationQueueResolver, ModerationActionsResolver] })
export class ModerationAdminModule {}
