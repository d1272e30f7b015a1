import { Module } from '@nestjs/common';
import { ModerationActionsService } from './actions/moderation-actions.service';
import { AuditLogService } from './audit/audit-log.service';
import { AutoModerationService } from './auto/auto-moderation.service';
import { ModerationQueueService } from './queue/moderation-queue.service';

/** Moderation services (docs/moderation.md): queue, actions, audit log, auto-moderation, trust levels, knowledge capture. */
@Module({
  providers: [ModerationQueueService, ModerationActionsService, AuditLogService, AutoModerationService],
  exports: [ModerationQueueService, ModerationActionsService, AuditLogService, AutoModerationService],
})
export class ModerationModule {}
