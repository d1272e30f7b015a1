import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { NotificationsModule } from '../notifications.module';
import { NotificationsDeliveryResolver } from './notifications-delivery.resolver';

@Module({ imports: [AuthModule, NotificationsModule], providers: [NotificationsDeliveryResolver] })
export class NotificationsDeliveryModule {}
