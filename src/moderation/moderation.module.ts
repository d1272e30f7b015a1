import { Module } from '@nestjs/common';
import { ModerationActionsService } from './actions/moderation-actions.service';
import { AuditLogService } from './audit/audit-log.service';
import { ModerationQueueService } from './queue/moderation-queue.service';

/** Moderation services (docs/moderation.md): queue, actions, audit log, auto-moderation, trust levels, knowledge capture. */
@Module({
  providers: [ModerationQueueService, ModerationActionsService, AuditLogService],
  exports: [ModerationQueueService, ModerationActionsService, AuditLogService],
})
export class ModerationModule {}
