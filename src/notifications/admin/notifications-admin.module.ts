import { Module } from '@nestjs/common';
import { NotificationsAdminResolver } from './notifications-admin.resolver';

/** Staff subscriptions of the admin API (the moderation queue). */
@Module({ providers: [NotificationsAdminResolver] })
export class NotificationsAdminModule {}
