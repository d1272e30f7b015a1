import { Module } from '@nestjs/common';
import { ModerationQueueEvents } from './moderation-queue-events.service';
import { MailTransport } from './digest/mail-transport';
import { NotificationDigestService } from './digest/notification-digest.service';
import { MemberNotificationsService } from './member-notifications.service';
import { NotificationSettingsService } from './notification-settings.service';

/**
 * Member notifications and the staff moderation-queue channel. Other modules import it and call
 * `MemberNotificationsService.notify(tx, …)` / `ModerationQueueEvents.publish(tx, …)` inside their own transactions.
 */
@Module({
  providers: [MemberNotificationsService, NotificationSettingsService, ModerationQueueEvents, MailTransport, NotificationDigestService],
  exports: [MemberNotificationsService, NotificationSettingsService, ModerationQueueEvents, NotificationDigestService],
})
export class NotificationsModule {}
