import { DataSourceOptions } from 'typeorm';
import { AuditEntryEntity } from '../common/audit/audit-entry.entity';
import { AccessTokenEntity } from '../auth/entities/access-token.entity';
import { LoginAttemptEntity } from '../auth/entities/login-attempt.entity';
import { UserEntity } from '../users/entities/user.entity';
import { ArticleDailyViewsEntity } from '../articles/entities/article-daily-views.entity';
import { ArticleFeedbackEntity } from '../articles/entities/article-feedback.entity';
import { ArticleLocaleEntity } from '../articles/entities/article-locale.entity';
import { ArticleRevisionEntity } from '../articles/entities/article-revision.entity';
import { ArticleSlugEntity } from '../articles/entities/article-slug.entity';
import { ArticleEntity } from '../articles/entities/article.entity';
import { CategoryTranslationEntity } from '../articles/entities/category-translation.entity';
import { CategoryEntity } from '../articles/entities/category.entity';
import { ProductEntity } from '../products/entities/product.entity';
import { ReleaseChangeEntity } from '../products/entities/release-change.entity';
import { ReleaseEntity } from '../products/entities/release.entity';
import { ArticleSuggestionEntity } from '../search/entities/article-suggestion.entity';
import { SearchOutboxEntity } from '../search/entities/search-outbox.entity';
import { SearchQueryLogEntity } from '../search/entities/search-query-log.entity';
import { SearchStopWordEntity } from '../search/entities/search-stop-word.entity';
import { SearchSynonymEntity } from '../search/entities/search-synonym.entity';
import { CreateUsersAndAuth1763856000000 } from '../../migrations/1763856000000-CreateUsersAndAuth';
import { CreateKnowledgeBase1763942400000 } from '../../migrations/1763942400000-CreateKnowledgeBase';
import { CreateSearch1764028800000 } from '../../migrations/1764028800000-CreateSearch';
import { SearchFacetValues1764115200000 } from '../../migrations/1764115200000-SearchFacetValues';
import { SearchPublicFingerprints1764201600000 } from '../../migrations/1764201600000-SearchPublicFingerprints';
import { CreateJobQueue1764288000000 } from '../../migrations/1764288000000-CreateJobQueue';
import { LoginAttemptReservations1764288001000 } from '../../migrations/1764288001000-LoginAttemptReservations';
import { AccessTokenScopes1764288002000 } from '../../migrations/1764288002000-AccessTokenScopes';
import { ArticleDeletionAuditAndReviewRules1764290000000 } from '../../migrations/1764290000000-ArticleDeletionAuditAndReviewRules';
import { DeliveryCategoryListing1764300000000 } from '../../migrations/1764300000000-DeliveryCategoryListing';
import { BoardEntity } from '../forum/entities/board.entity';
import { FlagEntity } from '../forum/entities/flag.entity';
import { PostRevisionEntity } from '../forum/entities/post-revision.entity';
import { PostVoteEntity } from '../forum/entities/post-vote.entity';
import { PostEntity } from '../forum/entities/post.entity';
import { ThreadFollowEntity } from '../forum/entities/thread-follow.entity';
import { ThreadSlugRedirectEntity } from '../forum/entities/thread-slug.entity';
import { ThreadEntity } from '../forum/entities/thread.entity';
import { SearchTermStats1764400000000 } from '../../migrations/1764400000000-SearchTermStats';
import { CreateForum1764600000000 } from '../../migrations/1764600000000-CreateForum';
import { CreateMemberNotifications1764610000000 } from '../../migrations/1764610000000-CreateMemberNotifications';
import { MemberNotificationEntity } from '../notifications/entities/member-notification.entity';
import { NotificationSettingsEntity } from '../notifications/entities/notification-settings.entity';
import { CreateModeration1764620000000 } from '../../migrations/1764620000000-CreateModeration';
import { AutoModerationSettingsEntity } from '../moderation/entities/auto-moderation-settings.entity';
import { BlockedPatternEntity } from '../moderation/entities/blocked-pattern.entity';
import { PostFingerprintEntity } from '../moderation/entities/post-fingerprint.entity';
import { RateCounterEntity } from '../moderation/entities/rate-counter.entity';
import { ThreadPromotionEntity } from '../moderation/entities/thread-promotion.entity';
import { ContentGapEntity } from '../staleness/entities/content-gap.entity';
import { StaleFlagEntity } from '../staleness/entities/stale-flag.entity';
import { CreateStaleness1764700000000 } from '../../migrations/1764700000000-CreateStaleness';
import { SearchVocabularyTrigramIndex1764510000000 } from '../../migrations/1764510000000-SearchVocabularyTrigramIndex';
import { CreateDeliveryApiKeys1764830000000 } from '../../migrations/1764830000000-CreateDeliveryApiKeys';
import { DeliveryApiKeyEntity } from '../api-keys/entities/delivery-api-key.entity';
import { RecurringQuestions1764710000000 } from '../../migrations/1764710000000-RecurringQuestions';
import { CreateWebhooks1764820000000 } from '../../migrations/1764820000000-CreateWebhooks';
import { StalenessScanMarks1764890000000 } from '../../migrations/1764890000000-StalenessScanMarks';
import { ThreadExcerpts1764920000000 } from '../../migrations/1764920000000-ThreadExcerpts';
import { RecurringQuestionEmbeddings1765000000000 } from '../../migrations/1765000000000-RecurringQuestionEmbeddings';
import { BoardThreadCounts1765100000000 } from '../../migrations/1765100000000-BoardThreadCounts';
import { WebhookSecretOverlap1765200000000 } from '../../migrations/1765200000000-WebhookSecretOverlap';
import { ThreadDuplicateLinkUnconstrained1765300000000 } from '../../migrations/1765300000000-ThreadDuplicateLinkUnconstrained';
import { RecurringQuestionScopes1765400000000 } from '../../migrations/1765400000000-RecurringQuestionScopes';
import { ContentGapDismissal1765410000000 } from '../../migrations/1765410000000-ContentGapDismissal';
import { SearchVectors1765420000000 } from '../../migrations/1765420000000-SearchVectors';
import { UserSessionVersion1765430000000 } from '../../migrations/1765430000000-UserSessionVersion';
import { SitemapNoindex1765440000000 } from '../../migrations/1765440000000-SitemapNoindex';
import { StaleFlagsOneOpenPerTranslation1765450000000 } from '../../migrations/1765450000000-StaleFlagsOneOpenPerTranslation';
import { SearchAuditHardening1765480000000 } from '../../migrations/1765480000000-SearchAuditHardening';
import { MaskStoredSearchQueries1765500000000 } from '../../migrations/1765500000000-MaskStoredSearchQueries';
import { AssetStorageUsage1765510000000 } from '../../migrations/1765510000000-AssetStorageUsage';
import { PreviewTokenEntity } from '../articles/entities/preview-token.entity';
import { CreatePreviewTokens1764800000000 } from '../../migrations/1764800000000-CreatePreviewTokens';
import { AssetEntity } from '../assets/entities/asset.entity';
import { ArticleAssetEntity } from '../articles/entities/article-asset.entity';
import { CreateAssets1764840000000 } from '../../migrations/1764840000000-CreateAssets';
import { DeliverySeoAndOutline1764810000000 } from '../../migrations/1764810000000-DeliverySeoAndOutline';
import { SuggestionKinds1764860000000 } from '../../migrations/1764860000000-SuggestionKinds';
import { AnswerPromotedNotifications1764860001000 } from '../../migrations/1764860001000-AnswerPromotedNotifications';
import { MemberNameLookupIndex1764860002000 } from '../../migrations/1764860002000-MemberNameLookupIndex';
import { FreshnessLiveEvents1764870000000 } from '../../migrations/1764870000000-FreshnessLiveEvents';
import { DeliveryListingCopies1764910000000 } from '../../migrations/1764910000000-DeliveryListingCopies';
import { RecurringQuestionRemovals1764870001000 } from '../../migrations/1764870001000-RecurringQuestionRemovals';

/** Listed explicitly (no globs) so the app, the CLI and the tests load exactly the same set. */
export const ENTITIES = [
  UserEntity,
  AccessTokenEntity,
  LoginAttemptEntity,
  ProductEntity,
  ReleaseEntity,
  ReleaseChangeEntity,
  CategoryEntity,
  CategoryTranslationEntity,
  ArticleEntity,
  ArticleLocaleEntity,
  ArticleRevisionEntity,
  ArticleSlugEntity,
  ArticleFeedbackEntity,
  ArticleDailyViewsEntity,
  SearchOutboxEntity,
  SearchSynonymEntity,
  SearchStopWordEntity,
  SearchQueryLogEntity,
  ArticleSuggestionEntity,
  AuditEntryEntity,
  BoardEntity,
  ThreadEntity,
  PostEntity,
  PostRevisionEntity,
  PostVoteEntity,
  ThreadFollowEntity,
  FlagEntity,
  ThreadSlugRedirectEntity,
  MemberNotificationEntity,
  NotificationSettingsEntity,
  AutoModerationSettingsEntity,
  BlockedPatternEntity,
  PostFingerprintEntity,
  RateCounterEntity,
  ThreadPromotionEntity,
  StaleFlagEntity,
  ContentGapEntity,
  PreviewTokenEntity,
  AssetEntity,
  ArticleAssetEntity,
  DeliveryApiKeyEntity,
];
export const MIGRATIONS = [
  CreateUsersAndAuth1763856000000,
  CreateKnowledgeBase1763942400000,
  CreateSearch1764028800000,
  SearchFacetValues1764115200000,
  SearchPublicFingerprints1764201600000,
  CreateJobQueue1764288000000,
  LoginAttemptReservations1764288001000,
  AccessTokenScopes1764288002000,
  ArticleDeletionAuditAndReviewRules1764290000000,
  DeliveryCategoryListing1764300000000,
  SearchTermStats1764400000000,
  SearchVocabularyTrigramIndex1764510000000,
  CreateForum1764600000000,
  CreateMemberNotifications1764610000000,
  CreateModeration1764620000000,
  CreateStaleness1764700000000,
  RecurringQuestions1764710000000,
  CreatePreviewTokens1764800000000,
  DeliverySeoAndOutline1764810000000,
  CreateWebhooks1764820000000,
  CreateDeliveryApiKeys1764830000000,
  CreateAssets1764840000000,
  SuggestionKinds1764860000000,
  AnswerPromotedNotifications1764860001000,
  MemberNameLookupIndex1764860002000,
  FreshnessLiveEvents1764870000000,
  RecurringQuestionRemovals1764870001000,
  StalenessScanMarks1764890000000,
  DeliveryListingCopies1764910000000,
  ThreadExcerpts1764920000000,
  RecurringQuestionEmbeddings1765000000000,
  BoardThreadCounts1765100000000,
  WebhookSecretOverlap1765200000000,
  ThreadDuplicateLinkUnconstrained1765300000000,
  RecurringQuestionScopes1765400000000,
  ContentGapDismissal1765410000000,
  SearchVectors1765420000000,
  UserSessionVersion1765430000000,
  SitemapNoindex1765440000000,
  StaleFlagsOneOpenPerTranslation1765450000000,
  SearchAuditHardening1765480000000,
  MaskStoredSearchQueries1765500000000,
  AssetStorageUsage1765510000000,
];

export function dataSourceOptions(url: string, poolSize = 10, acquireTimeoutMs = 5000): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    // Failed queries surface as errors where they happen and are logged there, without their parameters.
    logging: ['migration'],
    extra: {
      max: poolSize,
      connectionTimeoutMillis: acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'evergreen',
      // Short OLTP statements only: JIT compilation (on by default where PostgreSQL has LLVM) cost the search
      // statement 300-400 ms per call to save nothing (measured on branch search-ranking, docs/search.md).
      // Synchronized scans start a sequential scan where another one is; search takes the first N matches of
      // a frequent word without an order, so two identical searches could rank different candidates.
      options: '-c jit=off -c synchronize_seqscans=off',
    },
  };
}
