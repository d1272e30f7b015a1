import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { SearchModule } from '../search/search.module';
import { MetricsService } from './metrics.service';

@Module({
  imports: [ArticlesModule, SearchModule],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
