import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AssetDeliveryController } from './asset-delivery.controller';
import { AssetsService } from './assets.service';
import { ASSET_STORAGE } from './storage/asset-storage';
import { createAssetStorage } from './storage/create-asset-storage';

@Module({
  providers: [AssetsService, { provide: ASSET_STORAGE, inject: [AppConfig], useFactory: createAssetStorage }],
  controllers: [AssetDeliveryController],
  exports: [AssetsService, ASSET_STORAGE],
})
export class AssetsModule {}
