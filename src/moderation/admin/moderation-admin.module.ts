import { Module } from '@nestjs/common';
import { ModerationModule } from '../moderation.module';
import { AutoModerationResolver } from './auto-moderation.resolver';
import { KnowledgeCaptureResolver } from './knowledge-capture.resolver';
import { ModerationActionsResolver, ModerationQueueResolver } from './moderation-admin.resolver';

@Module({ imports: [ModerationModule], providers: [ModerationQueueResolver, ModerationActionsResolver, AutoModerationResolver, KnowledgeCaptureResolver] })
export class ModerationAdminModule {}
