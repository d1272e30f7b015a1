import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles.module';
import { ArticlesAdminResolver } from './articles-admin.resolver';
import { CategoriesAdminResolver } from './categories-admin.resolver';
import { PreviewTokensAdminResolver } from './preview-tokens-admin.resolver';

@Module({ imports: [ArticlesModule], providers: [CategoriesAdminResolver, ArticlesAdminResolver, PreviewTokensAdminResolver] })
export class ArticlesAdminModule {}
