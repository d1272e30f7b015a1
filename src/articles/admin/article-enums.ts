import { registerEnumType } from '@nestjs/graphql';
import { ArticleStatus, ReviewState } from '../entities/article-locale.entity';

registerEnumType(ArticleStatus, {
  name: 'ArticleStatus',
  description: 'Where a locale of an article stands; a published article with a newer draft stays PUBLISHED',
});
registerEnumType(ReviewState, { name: 'ArticleReviewState', description: 'The review of the latest revision' });

export { ArticleStatus, ReviewState };
