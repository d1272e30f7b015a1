import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { Logger as PinoRootLogger } from 'pino';
import { ArticlesModule } from '../articles/articles.module';
import { loggerModuleParams } from '../common/logging';
import { LocalesModule } from '../common/locales/locales.module';
import { ChangeNotificationsModule } from '../common/notifications/change-notifications.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { dataSourceOptions } from '../database/data-source';
import { JobsModule } from '../jobs/jobs.module';
import { ProductsModule } from '../products/products.module';
import { StalenessModule } from '../staleness/staleness.module';
import { SearchModule } from '../search/search.module';
import { UsersModule } from '../users/users.module';

/** What operator commands need: the database, content, products, search, staleness and users; no HTTP server, no GraphQL. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, rootLogger: PinoRootLogger): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerModuleParams(rootLogger)),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.database.url!, 4), retryAttempts: 0 }),
        LocalesModule,
        ChangeNotificationsModule,
        JobsModule,
        ArticlesModule,
        ProductsModule,
        SearchModule,
        StalenessModule,
        UsersModule,
      ],
    };
  }
}
