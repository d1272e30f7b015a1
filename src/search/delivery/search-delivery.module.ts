import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../../api-keys/api-keys.module';
import { SearchModule } from '../search.module';
import { SearchDeliveryResolver } from './search-delivery.resolver';

@Module({ imports: [SearchModule, ApiKeysModule], providers: [SearchDeliveryResolver] })
export class SearchDeliveryModule {}
