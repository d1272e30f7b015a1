import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { AuthModule } from '../auth.module';
import { AuthAdminResolver } from './auth-admin.resolver';

@Module({ imports: [AuthModule, UsersModule], providers: [AuthAdminResolver] })
export class AuthAdminModule {}
