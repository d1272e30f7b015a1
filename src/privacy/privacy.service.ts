import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { enqueueChangeWebhooks } from '../changes/change-webhooks';
import { ARTICLE_CHANGED_CHANNEL, EVERYTHING } from '../changes/content-changes';
import { AuthUser } from '../auth/auth-user';
import { LoginThrottleService } from '../auth/login-throttle.service';
import { recordAudit } from '../common/audit/record-audit';
import { ConflictError } from '../common/errors/app-error';
import { takeRateSlot } from '../moderation/auto/rate-limiter';
import { DELETED_ACCOUNT_PASSWORD_HASH } from '../users/deleted-account';
import { UserEntity } from '../users/entities/user.entity';
import { verifyPassword, wrongPasswordError } from '../users/passwords';
import { Role } from '../users/role.enum';
import { PERSONAL_DATA_SECTIONS } from './personal-data-sections';
import { lockAdminChanges } from '../users/admin-changes-lock';

/** Shown wherever a deleted account's content stays (posts, notifications it caused). */
export const DELETED_MEMBER_NAME = 'Deleted member';
export const PERSONAL_DATA_FORMAT = 'evergreen-personal-data/1';

/** Data exports per account and window (decision 0035). */
export const EXPORTS_PER_WINDOW = 3;
export const EXPORT_WINDOW_SECONDS = 3600;

export interface PersonalDataExport {
  format: string;
  exportedAt: string;
  profile: Record<string, unknown>;
  [section: string]: unknown;
}

/** A user's own data: export it (JSON) and delete the account (personal data gone, content kept). */
@Injectable()
export class PrivacyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly throttle: LoginThrottleService,
  ) {}

  /**
   * Everything personal the product keeps about the user, read in one snapshot. The document is built whole in memory,
   * so each account gets EXPORTS_PER_WINDOW of them per EXPORT_WINDOW_SECONDS (RATE_LIMITED beyond): twenty parallel
   * requests cannot hold twenty snapshots and copies of a large history. The slot is taken in its own transaction,
   * before the snapshot (a REPEATABLE READ transaction updating the counter row others update would fail to serialize).
   */
  async exportData(userId: string): Promise<PersonalDataExport> {
    await this.dataSource.transaction((tx) => takeRateSlot(tx, `export:${userId}`, EXPORTS_PER_WINDOW, EXPORT_WINDOW_SECONDS, 'data exports'));
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const user = await tx.findOneByOrFail(UserEntity, { id: userId });
      const result: PersonalDataExport = {
        format: PERSONAL_DATA_FORMAT,
        exportedAt: new Date().toISOString(),
        profile: {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          role: user.role,
          trustLevel: user.trustLevel,
          createdAt: user.createdAt,
          updatedAt: user.updatedAt,
          lastLoginAt: user.lastLoginAt,
          silencedUntil: user.silencedUntil,
          suspendedUntil: user.suspendedUntil,
        },
      };
      for (const section of PERSONAL_DATA_SECTIONS) if (section.export) result[section.name] = await section.export(tx, userId);
      return result;
    });
  }

  /**
   * Deletes the caller's account after confirming the password (throttled like sign-in): the profile is
   * anonymized (email, name, password), tokens and personal rows are erased, sessions stop working (the
   * account is deactivated and its session version moves on, checked on every request); content the user wrote stays,
   * by "Deleted member". The last active admin cannot delete their account (CONFLICT).
   *
   * A wrong password is BAD_USER_INPUT on `input.password`, reason WRONG_PASSWORD, like `changePassword` (decision
   * 0033). The password is verified (argon2, 64 MiB) before the transaction, like `changePassword`: a guess never holds
   * a pooled connection, the user row or the admin-changes lock every role change, deactivation and deletion waits
   * for. Under the lock only "is the hash still the one verified?" is asked; if a parallel change won: CONFLICT
   * `CONCURRENT_CHANGE`, nothing written.
   */
  async deleteAccount(caller: AuthUser, password: string, ip: string): Promise<Date> {
    // A wrong password counts as a failed sign-in attempt; any other outcome gives the attempt back.
    const reservation = await this.throttle.reserve(caller.email, ip);
    let wrongPassword = false;
    try {
      const seen = await this.dataSource.manager.findOneBy(UserEntity, { id: caller.id });
      if (!seen || seen.deactivatedAt) throw new ConflictError('This account is already deleted or deactivated');
      if (!(await verifyPassword(seen.passwordHash, password))) {
        wrongPassword = true;
        throw wrongPasswordError('input.password');
      }
      return await this.erase(seen);
    } finally {
      if (!wrongPassword) await this.throttle.release(reservation);
    }
  }

  private erase(seen: UserEntity): Promise<Date> {
    return this.dataSource.transaction(async (tx) => {
      await lockAdminChanges(tx);
      const user = await tx.findOne(UserEntity, { where: { id: seen.id }, lock: { mode: 'pessimistic_write' } });
      if (!user || user.deactivatedAt) throw new ConflictError('This account is already deleted or deactivated');
      if (user.passwordHash !== seen.passwordHash) {
        throw new ConflictError('The password was changed by another request meanwhile; nothing was deleted', { reason: 'CONCURRENT_CHANGE' });
      }
      if (user.role === Role.Admin) {
        // Locks every active admin, so two admins deleting themselves at once cannot leave none.
        const admins = (await tx.query(`SELECT id FROM users WHERE role = 'admin' AND deactivated_at IS NULL ORDER BY id FOR UPDATE`)) as unknown[];
        if (admins.length <= 1) {
          throw new ConflictError('The last admin cannot delete their account; make another admin first', { reason: 'LAST_ADMIN' });
        }
      }
      for (const section of PERSONAL_DATA_SECTIONS) await section.erase(tx, user.id);
      const [{ now }] = (await tx.query('SELECT now() AS now')) as { now: Date }[];
      await tx.update(UserEntity, user.id, {
        email: `deleted-${user.id}@deleted.invalid`,
        displayName: DELETED_MEMBER_NAME,
        // Shown beside "Deleted member" on every post: a staff badge or a high trust level would single the member out.
        role: Role.Member,
        trustLevel: 0,
        trustLevelLocked: false,
        passwordHash: DELETED_ACCOUNT_PASSWORD_HASH,
        deactivatedAt: now,
        sessionVersion: user.sessionVersion + 1,
        lastLoginAt: null,
        silencedUntil: null,
        suspendedUntil: null,
      });
      await recordAudit(tx, {
        actorId: user.id,
        action: 'user.delete-own-account',
        subjectKind: 'user',
        subjectId: user.id,
        before: { role: user.role },
        after: { deleted: true },
      });
      await this.announceAuthorChange(tx, user.id);
      return now;
    });
  }

  /**
   * Pages that show the member's name change with the deletion: they are announced like any other change of them.
   * Article pages name their author (`authorName`) and every API instance caches them (whole responses too) until a
   * NOTIFY says published content changed: one drops them all. Forum pages are not cached in process, but CDNs keep
   * their GET responses: a `thread.changed` webhook (change `updated`) per thread the member wrote in carries the
   * thread's surrogate key, so a purging consumer drops them (decision 0035).
   */
  private async announceAuthorChange(tx: EntityManager, userId: string): Promise<void> {
    const [{ authored }] = (await tx.query(
      `SELECT EXISTS (SELECT 1 FROM article_revisions WHERE author_id = $1) OR EXISTS (SELECT 1 FROM article_locales WHERE published_author_id = $1) AS authored`,
      [userId],
    )) as { authored: boolean }[];
    if (authored) await tx.query('SELECT pg_notify($1, $2)', [ARTICLE_CHANGED_CHANNEL, EVERYTHING]);
    const threads = (await tx.query(`SELECT DISTINCT thread_id FROM posts WHERE author_id = $1 AND status = 'visible' ORDER BY thread_id`, [userId])) as { thread_id: string }[];
    if (threads.length > 0) await enqueueChangeWebhooks(tx, { kind: 'thread', change: 'updated', ids: threads.map((row) => row.thread_id), locale: null });
  }
}
