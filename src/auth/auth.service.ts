import { Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { UserEntity } from '../users/entities/user.entity';
import { Role, STAFF_ROLES } from '../users/role.enum';
import { UsersService } from '../users/users.service';
import { AccessTokensService, PERSONAL_ACCESS_TOKEN_PREFIX } from './access-tokens.service';
import { AuthState, AuthUser } from './auth-user';
import { AccessTokenEntity } from './entities/access-token.entity';
import { effectiveTokenRole } from './token-scope';
import { LoginThrottleService } from './login-throttle.service';
import { isRefusedDemoPassword, verifyPassword, wrongPasswordError } from '../users/passwords';

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

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

interface AccessTokenClaims {
  sub: string;
  typ: 'access';
  /** The user's session version when it was issued; absent (0) in tokens from before versions existed. */
  ver?: number;
}

const ANONYMOUS: AuthState = { user: null, failure: null };

/** Why a session token with an older session version is refused: each of these moves the version (users.session_version). */
export const SESSION_ENDED = 'This session has ended (the password was changed, or the account was suspended or deactivated); sign in again';

function isSuspended(user: UserEntity, now = new Date()): user is UserEntity & { suspendedUntil: Date } {
  return user.suspendedUntil !== null && user.suspendedUntil > now;
}

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

  /**
   * The signed-in user changes their own password (decision 0032): a wrong current password is BAD_USER_INPUT
   * (reason WRONG_PASSWORD, decision 0033) and counts as a failed sign-in of the account and the address; every
   * session issued before ends, and the caller gets a fresh one. Only a session may do it: a personal access token
   * (possibly narrower than its owner) must not turn into a full session.
   */
  async changePassword(caller: AuthUser, change: PasswordChange, ip: string): Promise<Session> {
    if (caller.via !== 'session') {
      throw new ForbiddenError('A personal access token cannot change the password; sign in to change it', { reason: 'SESSION_REQUIRED' });
    }
    if (change.newPassword === change.currentPassword) {
      throw new BadUserInputError('The new password is the current one', [{ field: 'input.newPassword', messages: ['newPassword must differ from currentPassword'] }]);
    }
    // A suspended account gets no session from sign-in, so it gets none from here either (its session is refused before
    // this runs; this covers a suspension that committed after the request was authenticated).
    this.assertNotSuspended(caller.account);
    const reservation = await this.throttle.reserve(caller.email, ip);
    let wrongPassword = false;
    try {
      const user = await this.users.changePassword(caller.id, change.currentPassword, change.newPassword);
      if (!user) {
        wrongPassword = true;
        throw wrongPasswordError('input.currentPassword', 'The current password is wrong');
      }
      return await this.startSession(user);
    } finally {
      if (!wrongPassword) await this.throttle.release(reservation);
    }
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
    // The same answer for every email, before any lookup or hashing: it tells nothing about accounts and costs nothing.
    if (isRefusedDemoPassword(password, this.config)) {
      throw new ForbiddenError(
        'This is the published demo password, which is refused in production even when it is right. ' +
          'An operator sets a new one with `npm run cli -- set-password --email <email>`',
        { reason: 'DEMO_PASSWORD' },
      );
    }
    // Reserved before the password is checked, so parallel guesses cannot outrun the count.
    const reservation = await this.throttle.reserve(email, ip);
    const user = await this.users.findByEmail(email);
    const passwordMatches = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !passwordMatches) throw new UnauthenticatedError('The email or password is wrong');
    if (user.deactivatedAt) throw new UnauthenticatedError('This account has been deactivated');
    await this.throttle.release(reservation);
    this.assertNotSuspended(user);
    return user;
  }

  /** Suspended by a moderator (docs/moderation.md): no new session until the suspension ends. */
  private assertNotSuspended(user: UserEntity): void {
    if (isSuspended(user)) {
      throw new ForbiddenError(`This account is suspended until ${user.suspendedUntil.toISOString()}`, { reason: 'SUSPENDED', until: user.suspendedUntil.toISOString() });
    }
  }

  private async startSession(user: UserEntity): Promise<Session> {
    const now = new Date();
    const ttl = this.config.auth.accessTokenTtlSeconds;
    const claims: AccessTokenClaims = { sub: user.id, typ: 'access', ver: user.sessionVersion };
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
    const version = claims.ver ?? 0;
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !Number.isSafeInteger(version)) return { user: null, failure: 'The access token is not valid' };
    return this.activeUser(claims.sub, null, version);
  }

  private async resolvePersonalAccessToken(token: string): Promise<AuthState> {
    const resolved = await this.accessTokens.resolve(token);
    if (typeof resolved === 'string') return { user: null, failure: resolved };
    return this.activeUser(resolved.userId, resolved);
  }

  /**
   * Looked up on every request so deactivation, suspension, role and password changes take effect at once. The row is
   * read anyway (one statement per authenticated request, the token check included): the suspension and the session
   * version cost no further query (decision 0033).
   */
  private async activeUser(userId: string, token: AccessTokenEntity | null = null, sessionVersion: number | null = null): Promise<AuthState> {
    const user = await this.users.findById(userId);
    if (!user) return { user: null, failure: 'The account no longer exists' };
    if (user.deactivatedAt) return { user: null, failure: 'This account has been deactivated' };
    // Sessions and personal access tokens alike, however the suspension was written; suspending also moves the
    // session version, so the sessions stay ended after it is lifted or runs out.
    if (isSuspended(user)) return { user: null, failure: `This account is suspended until ${user.suspendedUntil.toISOString()}` };
    if (sessionVersion !== null && sessionVersion !== user.sessionVersion) return { user: null, failure: SESSION_ENDED };
    const base = { id: user.id, email: user.email, displayName: user.displayName, account: user };
    if (!token) return { user: { ...base, role: user.role, via: 'session' }, failure: null };
    const role = effectiveTokenRole(token.role, user.role);
    if (!role) return { user: null, failure: "The personal access token's role is above its owner's current role" };
    return { user: { ...base, role, via: 'personal-access-token', accessToken: { id: token.id, readOnly: token.readOnly } }, failure: null };
  }
}
