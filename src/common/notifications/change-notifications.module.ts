import { Global, Module } from '@nestjs/common';
import { ChangeNotifications } from './change-notifications.service';

@Global()
@Module({ providers: [ChangeNotifications], exports: [ChangeNotifications] })
export class ChangeNotificationsModule {}
