import { Module } from '@nestjs/common';
import { ArticlesModule } from '../../articles/articles.module';
import { AuthModule } from '../../auth/auth.module';
import { AssetsModule } from '../assets.module';
import { AssetsAdminResolver } from './assets-admin.resolver';
import { AssetUploadController } from './asset-upload.controller';

@Module({ imports: [AssetsModule, ArticlesModule, AuthModule], providers: [AssetsAdminResolver], controllers: [AssetUploadController] })
export class AssetsAdminModule {}
