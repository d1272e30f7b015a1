import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AccessTokensService } from './access-tokens.service';
import { AuthService } from './auth.service';
import { AccessTokenEntity } from './entities/access-token.entity';
import { LoginAttemptEntity } from './entities/login-attempt.entity';
import { LoginThrottleService } from './login-throttle.service';
import { RolesGuard } from './roles.guard';
import { SubscriptionAccess } from './subscription-access';

@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([AccessTokenEntity, LoginAttemptEntity]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.auth.jwtSecret) throw new Error('The JWT secret was not resolved before the app started');
        return { secret: config.auth.jwtSecret, signOptions: { algorithm: 'HS256', issuer: 'evergreen' }, verifyOptions: { issuer: 'evergreen' } };
      },
    }),
  ],
  providers: [AuthService, AccessTokensService, LoginThrottleService, SubscriptionAccess, { provide: APP_GUARD, useClass: RolesGuard }],
  exports: [AuthService, AccessTokensService, LoginThrottleService, SubscriptionAccess],
})
export class AuthModule {}
