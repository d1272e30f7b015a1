import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { Logger as PinoRootLogger } from 'pino';
import { ApiKeysAdminModule } from './api-keys/admin/api-keys-admin.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { DeliveryGate } from './api-keys/delivery-gate';
import { ArticlesAdminModule } from './articles/admin/articles-admin.module';
import { ArticlesModule } from './articles/articles.module';
import { ArticlesDeliveryModule } from './articles/delivery/articles-delivery.module';
import { AuthAdminModule } from './auth/admin/auth-admin.module';
import { LocalesModule } from './common/locales/locales.module';
import { ChangeNotificationsModule } from './common/notifications/change-notifications.module';
import { ChangeNotifications } from './common/notifications/change-notifications.service';
import { LiveEventsModule } from './common/live-events/live-events.module';
import { LiveEvents } from './common/live-events/live-events.service';
import { AuthModule } from './auth/auth.module';
import type { GraphqlContext } from './auth/graphql-context';
import { AuthService } from './auth/auth.service';
import { SubscriptionAccess } from './auth/subscription-access';
import { AuthDeliveryModule } from './auth/delivery/auth-delivery.module';
import { graphqlEndpointOptions, GraphqlEndpoint } from './common/graphql/graphql-endpoint';
import { ScopedMercuriusDriver, ScopedMercuriusDriverConfig } from './common/graphql/scoped-mercurius.driver';
import { loggerModuleParams } from './common/logging';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source';
import { ForumAdminModule } from './forum/admin/forum-admin.module';
import { ForumDeliveryModule } from './forum/delivery/forum-delivery.module';
import { ForumModule } from './forum/forum.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProductsAdminModule } from './products/admin/products-admin.module';
import { ProductsModule } from './products/products.module';
import { ReleaseWebhookModule } from './products/webhook/release-webhook.module';
import { SearchAdminModule } from './search/admin/search-admin.module';
import { SearchDeliveryModule } from './search/delivery/search-delivery.module';
import { SearchModule } from './search/search.module';
import { UsersAdminModule } from './users/admin/users-admin.module';
import { ModerationAdminModule } from './moderation/admin/moderation-admin.module';
import { ModerationModule } from './moderation/moderation.module';
import { ModerationDeliveryModule } from './moderation/delivery/moderation-delivery.module';
import { StalenessAdminModule } from './staleness/admin/staleness-admin.module';
import { StalenessModule } from './staleness/staleness.module';
import { Role } from './users/role.enum';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WebhooksAdminModule } from './webhooks/admin/webhooks-admin.module';
import { NotificationsModule } from './notifications/notifications.module';
import { DigestUnsubscribeModule } from './notifications/unsubscribe/digest-unsubscribe.module';
import { NotificationsAdminModule } from './notifications/admin/notifications-admin.module';
import { NotificationsDeliveryModule } from './notifications/delivery/notifications-delivery.module';
import { PrivacyDeliveryModule } from './privacy/delivery/privacy-delivery.module';
import { AssetsModule } from './assets/assets.module';
import { AssetsAdminModule } from './assets/admin/assets-admin.module';
import { AssetsDeliveryModule } from './assets/delivery/assets-delivery.module';

/** Public, read-mostly: only published content and a member's own account. */
export const DELIVERY_ENDPOINT: GraphqlEndpoint = {
  routePrefix: '',
  modules: [
    AuthDeliveryModule,
    ArticlesDeliveryModule,
    SearchDeliveryModule,
    ForumDeliveryModule,
    ModerationDeliveryModule,
    NotificationsDeliveryModule,
    PrivacyDeliveryModule,
    AssetsDeliveryModule,
  ],
};

/** Staff only: every field declares its roles. */
export const ADMIN_ENDPOINT: GraphqlEndpoint = {
  routePrefix: '/admin',
  modules: [
    AuthAdminModule,
    UsersAdminModule,
    ArticlesAdminModule,
    ProductsAdminModule,
    SearchAdminModule,
    ForumAdminModule,
    ModerationAdminModule,
    NotificationsAdminModule,
    StalenessAdminModule,
    WebhooksAdminModule,
    AssetsAdminModule,
    ApiKeysAdminModule,
  ],
};

function graphqlModule(endpoint: GraphqlEndpoint): DynamicModule {
  return GraphQLModule.forRootAsync<ScopedMercuriusDriverConfig>({
    driver: ScopedMercuriusDriver,
    imports: [AuthModule, ApiKeysModule],
    inject: [AppConfig, AuthService, LiveEvents, SubscriptionAccess, DeliveryGate, ChangeNotifications],
    useFactory: (config: AppConfig, auth: AuthService, liveEvents: LiveEvents, subscriptionAccess: SubscriptionAccess, gate: DeliveryGate, notifications: ChangeNotifications) =>
      graphqlEndpointOptions(endpoint, config, {
        async isStaff(requestContext) {
          const context = requestContext as GraphqlContext;
          context.auth ??= await auth.resolveAuthorization(context.req.headers.authorization);
          return context.auth.user !== null && context.auth.user.role !== Role.Member;
        },
        subscriptionEmitter: liveEvents.emitter,
        async authenticateSubscription(context) {
          // The delivery API's key and rate limit apply to each subscription start as to each HTTP request.
          if (endpoint === DELIVERY_ENDPOINT) await gate.admitSubscription(context);
          await subscriptionAccess.start(context);
        },
        afterMutation: () => notifications.catchUp(),
      }),
  });
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, rootLogger: PinoRootLogger): DynamicModule {
    if (!config.database.url) throw new Error('The database URL was not resolved before the app started');
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerModuleParams(rootLogger)),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.database.url, config.database.poolSize, config.database.acquireTimeoutMs), retryAttempts: 0 }),
        LocalesModule,
        ChangeNotificationsModule,
        LiveEventsModule,
        JobsModule,
        UsersModule,
        ArticlesModule,
        ProductsModule,
        ForumModule,
        SearchModule,
        NotificationsModule,
        ModerationModule,
        StalenessModule,
        AssetsModule,
        ReleaseWebhookModule,
        DigestUnsubscribeModule,
        WebhooksModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        ApiKeysModule,
        ...[DELIVERY_ENDPOINT, ADMIN_ENDPOINT].map(graphqlModule),
        ...DELIVERY_ENDPOINT.modules,
        ...ADMIN_ENDPOINT.modules,
      ],
    };
  }
}
