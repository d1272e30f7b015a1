import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { StalenessModule } from '../staleness.module';
import { FreshnessLiveResolver } from './freshness-live.resolver';
import { StalenessAdminResolver } from './staleness-admin.resolver';

@Module({ imports: [StalenessModule, AuthModule], providers: [StalenessAdminResolver, FreshnessLiveResolver] })
export class StalenessAdminModule {}
