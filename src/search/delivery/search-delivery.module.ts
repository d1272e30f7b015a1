import { Module } from '@nestjs/common';
import { SearchModule } from '../search.module';
import { SearchDeliveryResolver } from './search-delivery.resolver';

@Module({ imports: [SearchModule], providers: [SearchDeliveryResolver] })
export class SearchDeliveryModule {}
