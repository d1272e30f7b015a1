import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError, ForbiddenError } from '../../common/errors/app-error';
import { JobRunner } from '../../jobs/job-runner';
import { assertNotDeletedAccount } from '../../users/deleted-account';
import { UserEntity } from '../../users/entities/user.entity';
import { Role } from '../../users/role.enum';
import { auditModeration, ModerationActor } from '../moderation-actor';
import { FLAG_WINDOW_DAYS, trustLevelFor } from './trust-level';

/** The rule name trust-level changes are audited under. */
export const TRUST_LEVEL_RULE = 'auto:trust-levels';
export const TRUST_LEVEL_JOB = 'moderation.trust-levels';
const JOB_EVERY_SECONDS = 3600;
const CHUNK = 500;

interface Participation {
  posts: number;
  upvotes: number;
  accepted: number;
  flags: number;
}

interface MemberRow {
  id: string;
  trust_level: number;
  days: number;
}

/**
 * Recomputes members' trust levels from participation (a queued job, hourly, single-flight across
 * instances) and lets staff set and lock a member's level.
 */
@Injectable()
export class TrustLevelsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.queue({ name: TRUST_LEVEL_JOB, everySeconds: JOB_EVERY_SECONDS, run: () => this.recomputeAll().then(() => undefined) });
  }

  /**
   * Every active, unlocked member, in chunks; each chunk's changes commit with their audit entries. Returns how many
   * changed. Participation is read first for the whole forum in one pass over posts and threads (by author): reading
   * it per chunk of members revisited most of the posts table once per chunk (bench/trust-levels.bench.mjs).
   */
  async recomputeAll(): Promise<number> {
    const participation = await this.participation();
    let changed = 0;
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const members: MemberRow[] = await this.dataSource.query(
        `SELECT id, trust_level, extract(epoch FROM now() - created_at)::float / 86400 AS days FROM users
          WHERE role = 'member' AND NOT trust_level_locked AND deactivated_at IS NULL AND id > $1 ORDER BY id LIMIT $2`,
        [after, CHUNK],
      );
      if (members.length === 0) return changed;
      changed += await this.recomputeChunk(members, participation);
      after = members[members.length - 1].id;
    }
  }

  /** Visible posts, upvotes on them, accepted answers (in visible threads) and recent upheld flags, by author. */
  private async participation(): Promise<Map<string, Participation>> {
    const rows: (Participation & { author_id: string })[] = await this.dataSource.query(
      `SELECT author_id, sum(posts)::int AS posts, sum(upvotes)::int AS upvotes, sum(accepted)::int AS accepted, sum(flags)::int AS flags FROM (
         SELECT author_id, count(*) AS posts, coalesce(sum(upvote_count), 0) AS upvotes, 0 AS accepted, 0 AS flags
           FROM posts WHERE status = 'visible' AND author_id IS NOT NULL GROUP BY author_id
         UNION ALL
         SELECT p.author_id, 0, 0, count(*), 0 FROM threads t JOIN posts p ON p.id = t.accepted_post_id
          WHERE t.status = 'visible' AND p.author_id IS NOT NULL GROUP BY p.author_id
         UNION ALL
         SELECT coalesce(p.author_id, t.author_id), 0, 0, 0, count(*)
           FROM flags f JOIN threads t ON t.id = f.thread_id LEFT JOIN posts p ON p.id = f.post_id
          WHERE f.status = 'upheld' AND f.resolved_at > now() - make_interval(days => $1)
            AND coalesce(p.author_id, t.author_id) IS NOT NULL
          GROUP BY 1) s
       GROUP BY author_id`,
      [FLAG_WINDOW_DAYS],
    );
    return new Map(rows.map(({ author_id, ...counts }) => [author_id, counts]));
  }

  private async recomputeChunk(members: MemberRow[], participation: Map<string, Participation>): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      let changed = 0;
      for (const member of members) {
        const counts = participation.get(member.id);
        const level = trustLevelFor({
          daysSinceSignUp: member.days,
          visiblePosts: counts?.posts ?? 0,
          upvotesReceived: counts?.upvotes ?? 0,
          acceptedAnswers: counts?.accepted ?? 0,
          upheldFlagsAgainst: counts?.flags ?? 0,
        });
        if (level === member.trust_level) continue;
        // Skipped when staff locked the level, or the account was deleted or deactivated, meanwhile.
        const updated: unknown[] = await tx.query(`UPDATE users SET trust_level = $2 WHERE id = $1 AND NOT trust_level_locked AND deactivated_at IS NULL RETURNING 1`, [member.id, level]);
        if (updated.length === 0) continue;
        await auditModeration(tx, { rule: TRUST_LEVEL_RULE }, { action: 'user.trust_level', subjectKind: 'user', subjectId: member.id, before: { trustLevel: member.trust_level }, after: { trustLevel: level } });
        changed += 1;
      }
      return changed;
    });
  }

  /** Staff set a member's level; locked, the job leaves it alone until unlocked. */
  async setLevel(actor: ModerationActor, userId: string, trustLevel: number, locked: boolean, reason: string | null): Promise<UserEntity> {
    return this.dataSource.transaction(async (tx) => {
      const user = await tx.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User', userId);
      assertNotDeletedAccount(user);
      if (user.role !== Role.Member) throw new ForbiddenError('Only members have trust levels', { reason: 'STAFF_TARGET' });
      await tx.update(UserEntity, { id: user.id }, { trustLevel, trustLevelLocked: locked });
      await auditModeration(tx, actor, {
        action: 'user.trust_level',
        subjectKind: 'user',
        subjectId: user.id,
        reason,
        before: { trustLevel: user.trustLevel, trustLevelLocked: user.trustLevelLocked },
        after: { trustLevel, trustLevelLocked: locked },
      });
      return tx.findOneOrFail(UserEntity, { where: { id: user.id } });
    });
  }
}
