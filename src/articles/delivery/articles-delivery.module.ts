import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { ArticlesModule } from '../articles.module';
import { ArticlesDeliveryResolver } from './articles-delivery.resolver';
import { SitemapController } from './sitemap.controller';

@Module({ imports: [ArticlesModule, AuthModule], providers: [ArticlesDeliveryResolver], controllers: [SitemapController] })
export class ArticlesDeliveryModule {}
