import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications.module';
import { NotificationsDeliveryResolver } from './notifications-delivery.resolver';

@Module({ imports: [NotificationsModule], providers: [NotificationsDeliveryResolver] })
export class NotificationsDeliveryModule {}
