import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { NotificationsAdminResolver } from './notifications-admin.resolver';

/** Staff subscriptions of the admin API (the moderation queue). */
@Module({ imports: [AuthModule], providers: [NotificationsAdminResolver] })
export class NotificationsAdminModule {}
