import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PrivacyService } from './privacy.service';

/** Personal data export and account deletion (docs/notifications.md#privacy). */
@Module({ imports: [AuthModule], providers: [PrivacyService], exports: [PrivacyService] })
export class PrivacyModule {}
