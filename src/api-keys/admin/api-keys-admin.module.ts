import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys.module';
import { ApiKeysAdminResolver } from './api-keys-admin.resolver';

@Module({ imports: [ApiKeysModule], providers: [ApiKeysAdminResolver] })
export class ApiKeysAdminModule {}
