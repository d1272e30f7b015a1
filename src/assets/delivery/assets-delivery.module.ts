import { Module } from '@nestjs/common';
import { ArticlesModule } from '../../articles/articles.module';
import { AssetsDeliveryResolver } from './assets-delivery.resolver';

@Module({ imports: [ArticlesModule], providers: [AssetsDeliveryResolver] })
export class AssetsDeliveryModule {}
