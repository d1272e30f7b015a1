import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { ForumModule } from '../forum.module';
import { ForumDeliveryResolver } from './forum-delivery.resolver';
import { ThreadSitemapController } from './thread-sitemap.controller';

@Module({ imports: [ForumModule, AuthModule], providers: [ForumDeliveryResolver], controllers: [ThreadSitemapController] })
export class ForumDeliveryModule {}
