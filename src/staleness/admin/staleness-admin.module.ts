import { Module } from '@nestjs/common';
import { StalenessModule } from '../staleness.module';
import { StalenessAdminResolver } from './staleness-admin.resolver';

@Module({ imports: [StalenessModule], providers: [StalenessAdminResolver] })
export class StalenessAdminModule {}
