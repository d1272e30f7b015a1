import { Module } from '@nestjs/common';
import { SearchModule } from '../search.module';
import { SearchAdminResolver } from './search-admin.resolver';

@Module({ imports: [SearchModule], providers: [SearchAdminResolver] })
export class SearchAdminModule {}
