import { Module } from '@nestjs/common';
import { UsersModule } from '../../users/users.module';
import { AuthModule } from '../auth.module';
import { AuthDeliveryResolver } from './auth-delivery.resolver';

@Module({ imports: [AuthModule, UsersModule], providers: [AuthDeliveryResolver] })
export class AuthDeliveryModule {}
