import { Module } from '@nestjs/common';
import { ModerationModule } from '../moderation.module';
import { ThreadArticleResolver } from './thread-article.resolver';

@Module({ imports: [ModerationModule], providers: [ThreadArticleResolver] })
export class ModerationDeliveryModule {}
