import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../../api-keys/api-keys.module';
import { NotificationsModule } from '../notifications.module';
import { DigestUnsubscribeController } from './digest-unsubscribe.controller';
import { DigestUnsubscribeService } from './digest-unsubscribe.service';

/** `GET` and `POST /unsubscribe`: the email digest's one-click unsubscribe link (docs/notifications.md#unsubscribing). */
@Module({ imports: [NotificationsModule, ApiKeysModule], controllers: [DigestUnsubscribeController], providers: [DigestUnsubscribeService] })
export class DigestUnsubscribeModule {}
