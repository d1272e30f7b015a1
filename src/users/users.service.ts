import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { recordAudit } from '../common/audit/record-audit';
import { BadUserInputError, ConflictError, NotFoundError, UnauthenticatedError } from '../common/errors/app-error';
import { Connection, decodeTimeIdCursor, encodeCursor } from '../common/graphql/connection';
import { AppConfig } from '../config/app-config';
import { hashPassword, isRefusedDemoPassword, verifyPassword } from './passwords';
import { UserEntity } from './entities/user.entity';
import { Role } from './role.enum';
import { lockAdminChanges } from './admin-changes-lock';
import { assertNotDeletedAccount } from './deleted-account';

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  role: Role;
}

export interface UserFilter {
  role?: Role | null;
  includeDeactivated?: boolean;
  first: number;
  after?: string | null;
}

const UNIQUE_VIOLATION = '23505';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly config: AppConfig,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  async getById(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: normalizeEmail(email) });
  }

  async create(input: NewUser, passwordField = 'input.password'): Promise<UserEntity> {
    this.assertSettablePassword(input.password, passwordField);
    const passwordHash = await hashPassword(input.password);
    const user = this.users.create({
      email: normalizeEmail(input.email),
      displayName: input.displayName.trim(),
      passwordHash,
      role: input.role,
      trustLevel: 0,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError('A user with this email already exists', { reason: 'EMAIL_TAKEN' });
      }
      throw error;
    }
  }

  async list(filter: UserFilter): Promise<Connection<UserEntity>> {
    const query = this.users.createQueryBuilder('u');
    if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
    if (!filter.includeDeactivated) query.andWhere('u.deactivated_at IS NULL');
    const totalCount = await query.getCount();
    if (filter.after) {
      const [createdAt, id] = decodeTimeIdCursor(filter.after);
      // JavaScript dates hold milliseconds; PostgreSQL keeps microseconds: compare at the cursor's precision.
      query.andWhere(`(date_trunc('milliseconds', u.created_at), u.id) > (:createdAt::timestamptz, :id::uuid)`, { createdAt, id });
    }
    const rows = await query.orderBy(`date_trunc('milliseconds', u.created_at)`, 'ASC').addOrderBy('u.id', 'ASC').take(filter.first + 1).getMany();
    const page = rows.slice(0, filter.first);
    const edges = page.map((node) => ({ node, cursor: encodeCursor([node.createdAt.toISOString(), node.id]) }));
    return {
      edges,
      totalCount,
      pageInfo: { hasNextPage: rows.length > filter.first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  async changeRole(actorId: string, userId: string, role: Role): Promise<UserEntity> {
    return this.dataSource.transaction(async (tx) => {
      await lockAdminChanges(tx);
      const user = await this.lockUser(tx, userId);
      assertNotDeletedAccount(user);
      if (user.role === role) return user;
      if (user.role === Role.Admin) await this.assertAnotherAdminRemains(tx, user.id, actorId === userId);
      user.role = role;
      return tx.save(user);
    });
  }

  async deactivate(actorId: string, userId: string): Promise<UserEntity> {
    if (actorId === userId) {
      throw new BadUserInputError('You cannot deactivate your own account', [{ field: 'userId', messages: ['userId must not be your own'] }]);
    }
    return this.dataSource.transaction(async (tx) => {
      await lockAdminChanges(tx);
      const user = await this.lockUser(tx, userId);
      if (user.deactivatedAt) return user;
      if (user.role === Role.Admin) await this.assertAnotherAdminRemains(tx, user.id, false);
      user.deactivatedAt = new Date();
      // Ends every session for good, like a password change: reactivating the account does not bring them back.
      user.sessionVersion += 1;
      return tx.save(user);
    });
  }

  async reactivate(userId: string): Promise<UserEntity> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lockUser(tx, userId);
      assertNotDeletedAccount(user);
      user.deactivatedAt = null;
      return tx.save(user);
    });
  }

  /**
   * The signed-in user's own change: null when `currentPassword` is wrong (the caller counts that as a failed
   * sign-in). Both argon2 steps (verifying the current password, hashing the new one) run before the row is locked,
   * so the lock is held for two statements. When the hash changed after it was verified (a concurrent change won),
   * nothing is written: CONFLICT `CONCURRENT_CHANGE`. Of parallel changes with the same current password exactly one
   * succeeds. Ends every session (see `writePassword`).
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<UserEntity | null> {
    this.assertSettablePassword(newPassword, 'input.newPassword');
    const seen = await this.getById(userId);
    if (!(await verifyPassword(seen.passwordHash, currentPassword))) return null;
    const passwordHash = await hashPassword(newPassword);
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lockUser(tx, userId);
      if (user.deactivatedAt) throw new UnauthenticatedError('This account has been deactivated');
      if (user.passwordHash !== seen.passwordHash) {
        throw new ConflictError('The password was changed by another request meanwhile; nothing was saved', { reason: 'CONCURRENT_CHANGE' });
      }
      return this.writePassword(tx, user, passwordHash, { actorId: user.id, action: 'user.change-password' });
    });
  }

  /** An operator's reset (`npm run cli -- set-password`): no current password; ends every session too. */
  async setPassword(email: string, newPassword: string): Promise<UserEntity> {
    this.assertSettablePassword(newPassword, 'password');
    const found = await this.findByEmail(email);
    if (!found) throw new NotFoundError('User', normalizeEmail(email));
    const passwordHash = await hashPassword(newPassword);
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lockUser(tx, found.id);
      assertNotDeletedAccount(user);
      return this.writePassword(tx, user, passwordHash, { actorId: null, actorRule: 'cli:set-password', action: 'user.set-password' });
    });
  }

  async recordLogin(userId: string, at: Date): Promise<void> {
    await this.users.update({ id: userId }, { lastLoginAt: at });
  }

  /**
   * Stores the new hash and adds one to the session version, which every session token carries: the tokens issued
   * before stop working at their next request (AuthService). Audited with the change, never with a secret.
   */
  private async writePassword(tx: EntityManager, user: UserEntity, passwordHash: string, audit: { actorId: string | null; actorRule?: string; action: string }): Promise<UserEntity> {
    const before = user.sessionVersion;
    user.passwordHash = passwordHash;
    user.sessionVersion = before + 1;
    await tx.update(UserEntity, user.id, { passwordHash, sessionVersion: user.sessionVersion });
    await recordAudit(tx, { ...audit, subjectKind: 'user', subjectId: user.id, before: { sessionVersion: before }, after: { sessionVersion: user.sessionVersion } });
    return user;
  }

  /** Production refuses the published demo passwords at sign-in, so none of them may be set there either. */
  private assertSettablePassword(password: string, field: string): void {
    if (!isRefusedDemoPassword(password, this.config)) return;
    const name = field.split('.').at(-1);
    throw new BadUserInputError('This is the published demo password, which production refuses; choose another', [
      { field, messages: [`${name} must not be the published demo password`] },
    ]);
  }

  private async lockUser(tx: EntityManager, userId: string): Promise<UserEntity> {
    const user = await tx.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFoundError('User', userId);
    return user;
  }

  /** Locks the active admins too (under lockAdminChanges), so nothing else changes them while the check holds. */
  private async assertAnotherAdminRemains(tx: EntityManager, leavingAdminId: string, isSelf: boolean): Promise<void> {
    const admins = await tx.find(UserEntity, {
      where: { role: Role.Admin, deactivatedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
    if (!admins.some((admin) => admin.id !== leavingAdminId)) {
      throw new ConflictError(
        isSelf ? 'You are the last active admin; make someone else admin first' : 'This is the last active admin',
        { reason: 'LAST_ADMIN' },
      );
    }
  }
}
