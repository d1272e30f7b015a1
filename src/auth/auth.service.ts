import { Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { ForbiddenError, UnauthenticatedError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { UserEntity } from '../users/entities/user.entity';
import { Role, STAFF_ROLES } from '../users/role.enum';
import { UsersService } from '../users/users.service';
import { AccessTokensService, PERSONAL_ACCESS_TOKEN_PREFIX } from './access-tokens.service';
import { AuthState, AuthUser } from './auth-user';
import { AccessTokenEntity } from './entities/access-token.entity';
import { effectiveTokenRole } from './token-scope';
import { LoginThrottleService } from './login-throttle.service';
import { verifyPassword } from '../users/passwords';

export interface Session {
  accessToken: string;
  expiresAt: Date;
  user: UserEntity;
}

export interface Credentials {
  email: string;
  password: string;
  ip: string;
}

interface AccessTokenClaims {
  sub: string;
  typ: 'access';
}

const ANONYMOUS: AuthState = { user: null, failure: null };

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly accessTokens: AccessTokensService,
    private readonly throttle: LoginThrottleService,
    private readonly config: AppConfig,
  ) {}

  /** Staff sign in to the admin API; members are refused there even with the right password. */
  async loginStaff(credentials: Credentials): Promise<Session> {
    const user = await this.verifyCredentials(credentials);
    if (!STAFF_ROLES.includes(user.role)) {
      throw new ForbiddenError('Members sign in through the delivery API');
    }
    return this.startSession(user);
  }

  async loginMember(credentials: Credentials): Promise<Session> {
    return this.startSession(await this.verifyCredentials(credentials));
  }

  async signUpMember(input: { email: string; password: string; displayName: string }, ip: string): Promise<Session> {
    // Taken before the password is hashed: parallel sign-ups from one address cannot outrun the limit or the CPU.
    await this.throttle.reserveSignUp(ip);
    const user = await this.users.create({ ...input, role: Role.Member });
    return this.startSession(user);
  }

  /** Resolves the `Authorization` header of a request; never throws for a bad token. */
  async resolveAuthorization(header: string | undefined): Promise<AuthState> {
    if (!header) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return { user: null, failure: 'Send the token as "Authorization: Bearer <token>"' };
    const token = match[1];
    return token.startsWith(PERSONAL_ACCESS_TOKEN_PREFIX) ? this.resolvePersonalAccessToken(token) : this.resolveSessionToken(token);
  }

  private async verifyCredentials({ email, password, ip }: Credentials): Promise<UserEntity> {
    // Reserved before the password is checked, so parallel guesses cannot outrun the count.
    const reservation = await this.throttle.reserve(email, ip);
    const user = await this.users.findByEmail(email);
    const passwordMatches = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !passwordMatches) throw new UnauthenticatedError('The email or password is wrong');
    if (user.deactivatedAt) throw new UnauthenticatedError('This account has been deactivated');
    await this.throttle.release(reservation);
    // Suspended by a moderator (docs/moderation.md): no sign-in until the suspension ends.
    if (user.suspendedUntil && user.suspendedUntil > new Date()) {
      throw new ForbiddenError(`This account is suspended until ${user.suspendedUntil.toISOString()}`, { reason: 'SUSPENDED', until: user.suspendedUntil.toISOString() });
    }
    return user;
  }

  private async startSession(user: UserEntity): Promise<Session> {
    const now = new Date();
    const ttl = this.config.auth.accessTokenTtlSeconds;
    const claims: AccessTokenClaims = { sub: user.id, typ: 'access' };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttl });
    await this.users.recordLogin(user.id, now);
    return { accessToken, expiresAt: new Date(now.getTime() + ttl * 1000), user };
  }

  private async resolveSessionToken(token: string): Promise<AuthState> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { algorithms: ['HS256'] });
    } catch (error) {
      const failure = error instanceof TokenExpiredError ? 'The access token has expired' : 'The access token is not valid';
      return { user: null, failure };
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') return { user: null, failure: 'The access token is not valid' };
    return this.activeUser(claims.sub);
  }

  private async resolvePersonalAccessToken(token: string): Promise<AuthState> {
    const resolved = await this.accessTokens.resolve(token);
    if (typeof resolved === 'string') return { user: null, failure: resolved };
    return this.activeUser(resolved.userId, resolved);
  }

  /** Looked up on every request so deactivation and role changes take effect at once. */
  private async activeUser(userId: string, token: AccessTokenEntity | null = null): Promise<AuthState> {
    const user = await this.users.findById(userId);
    if (!user) return { user: null, failure: 'The account no longer exists' };
    if (user.deactivatedAt) return { user: null, failure: 'This account has been deactivated' };
    const base = { id: user.id, email: user.email, displayName: user.displayName, account: user };
    if (!token) return { user: { ...base, role: user.role, via: 'session' }, failure: null };
    const role = effectiveTokenRole(token.role, user.role);
    if (!role) return { user: null, failure: "The personal access token's role is above its owner's current role" };
    return { user: { ...base, role, via: 'personal-access-token', accessToken: { id: token.id, readOnly: token.readOnly } }, failure: null };
  }
}
