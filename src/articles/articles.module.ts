import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { AdminArticlesService } from './admin-articles.service';
import { ArticleAssetsService } from './article-assets.service';
import { ArticleDeletionService } from './article-deletion.service';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';
import { CategoriesService } from './categories.service';
import { PublishingService } from './publishing.service';
import { RevisionsService } from './revisions.service';
import { ScheduledPublisher } from './scheduled-publisher';
import { CategoryTreeCache } from './delivery/category-tree-cache';
import { DeliveryCache } from './delivery/delivery-cache';
import { DeliveryService } from './delivery/delivery.service';
import { PublishedArticlesRepository } from './delivery/published-articles.repository';
import { FeedbackService } from './feedback.service';
import { ViewCounter } from './view-counter';
import { DraftArticlesRepository } from './preview/draft-articles.repository';
import { PreviewService } from './preview/preview.service';
import { PreviewTokensService } from './preview/preview-tokens.service';

@Module({
  imports: [AssetsModule],
  providers: [
    ArticleAssetsService,
    CategoriesService,
    ArticlesService,
    RevisionsService,
    PublishingService,
    ArticleDeletionService,
    AdminArticlesService,
    ArticlesRepository,
    ScheduledPublisher,
    PublishedArticlesRepository,
    DeliveryCache,
    CategoryTreeCache,
    DeliveryService,
    FeedbackService,
    ViewCounter,
    DraftArticlesRepository,
    PreviewTokensService,
    PreviewService,
  ],
  exports: [
    ArticleAssetsService,
    CategoriesService,
    ArticlesService,
    RevisionsService,
    PublishingService,
    ArticleDeletionService,
    AdminArticlesService,
    ArticlesRepository,
    DeliveryService,
    DeliveryCache,
    FeedbackService,
    ViewCounter,
    PreviewTokensService,
    PreviewService,
  ],
})
export class ArticlesModule {}
