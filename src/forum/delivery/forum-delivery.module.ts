import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { ForumModule } from '../forum.module';
import { ForumDeliveryResolver } from './forum-delivery.resolver';

@Module({ imports: [ForumModule, AuthModule], providers: [ForumDeliveryResolver] })
export class ForumDeliveryModule {}
