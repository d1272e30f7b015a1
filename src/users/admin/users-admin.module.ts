import { Module } from '@nestjs/common';
import { UsersModule } from '../users.module';
import { UsersAdminResolver } from './users-admin.resolver';

@Module({ imports: [UsersModule], providers: [UsersAdminResolver] })
export class UsersAdminModule {}
