import { Global, Module } from '@nestjs/common';
import { ARTICLE_PUBLICATION_LISTENER } from '../articles/article-publication-listener';
import { POST_SCREENER } from '../forum/post-screening';
import { ModerationActionsService } from './actions/moderation-actions.service';
import { AuditLogService } from './audit/audit-log.service';
import { AutoModerationService } from './auto/auto-moderation.service';
import { ModerationQueueService } from './queue/moderation-queue.service';
import { TrustLevelsService } from './trust/trust-levels.service';
import { KnowledgeCaptureService } from './capture/knowledge-capture.service';
import { ArticlesModule } from '../articles/articles.module';
import { ForumModule } from '../forum/forum.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ModerationNotices } from './actions/moderation-notices.service';

/**
 * Moderation services (docs/moderation.md): queue, actions, audit log, auto-moderation, trust levels, knowledge
 * capture. Global: it provides the forum's POST_SCREENER port (auto-moderation when a post is written) and the
 * articles' ARTICLE_PUBLICATION_LISTENER port (credit when an article drafted from a thread is published).
 */
@Global()
@Module({
  imports: [ArticlesModule, ForumModule, NotificationsModule],
  providers: [ModerationNotices, ModerationQueueService, ModerationActionsService, AuditLogService, AutoModerationService, TrustLevelsService, KnowledgeCaptureService, { provide: POST_SCREENER, useExisting: AutoModerationService }, { provide: ARTICLE_PUBLICATION_LISTENER, useExisting: KnowledgeCaptureService }],
  exports: [ModerationQueueService, ModerationActionsService, AuditLogService, AutoModerationService, TrustLevelsService, KnowledgeCaptureService, POST_SCREENER, ARTICLE_PUBLICATION_LISTENER],
})
export class ModerationModule {}
