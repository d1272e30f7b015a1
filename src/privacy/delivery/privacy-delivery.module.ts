import { Module } from '@nestjs/common';
import { PrivacyModule } from '../privacy.module';
import { PrivacyDeliveryResolver } from './privacy-delivery.resolver';

@Module({ imports: [PrivacyModule], providers: [PrivacyDeliveryResolver] })
export class PrivacyDeliveryModule {}
