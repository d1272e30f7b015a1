import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, ConflictError, NotFoundError } from '../../common/errors/app-error';
import { LruMap } from '../../common/lru-map';
import type { PostScreener } from '../../forum/post-screening';
import { BoardEntity } from '../../forum/entities/board.entity';
import { ContentStatus } from '../../forum/entities/forum-enums';
import { ModerationQueueChange } from '../../notifications/moderation-queue-change.enum';
import { ModerationQueueEvents } from '../../notifications/moderation-queue-events.service';
import { Role } from '../../users/role.enum';
import { AutoModerationSettingsEntity } from '../entities/auto-moderation-settings.entity';
import { BlockedPatternEntity, BlockedPatternKind } from '../entities/blocked-pattern.entity';
import { auditModeration, ModerationActor } from '../moderation-actor';
import { assertRateSlotFree, takeRateSlot } from './rate-limiter';
import { BlockedMatcher, contentHoldReasons, holdReasons, patternProblem, RecentActivity, textFingerprint } from './rules';

/** A member's new question or reply, as the forum's posting service hands it over before writing it. */
export interface PostScreeningInput {
  author: { id: string; role: Role; trustLevel: number };
  /** The board posted to; null for a reply (the thread's board). */
  boardId: string | null;
  /** The thread replied to; null for a new question. */
  threadId: string | null;
  markdown: string;
  /** The rendered post's visible text. */
  plainText: string;
}

export interface Screening {
  /** The first rule that holds the post (its `held_reason`), or null: publish it. */
  heldReason: string | null;
  /** Every rule that would hold it. */
  rules: string[];
}

export type SettingsPatch = Partial<Omit<AutoModerationSettingsEntity, 'id' | 'updatedAt' | 'updatedBy'>>;

/**
 * The auto-moderation rules at work: rate limits, then the hold rules (board policy, trust level 0, blocked
 * words, links, repeated text, fast posting). The forum's posting service calls {@link screen} inside its
 * transaction before it writes a post, and {@link recordHold} after, when the post is held.
 */
@Injectable()
export class AutoModerationService implements PostScreener {
  private readonly matchers = new LruMap<string, BlockedMatcher>(64);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queueEvents: ModerationQueueEvents,
  ) {}

  /**
   * Takes a post slot from the member's rate limit (RATE_LIMITED when the window is full), remembers the
   * post's fingerprint, and says whether it is held and by which rules. Staff are neither limited nor held.
   */
  async screen(tx: EntityManager, input: PostScreeningInput): Promise<Screening> {
    if (input.author.role !== Role.Member) return { heldReason: null, rules: [] };
    const settings = await this.settings(tx);
    // First, before the caller locks anything else: parallel posts of one member queue here, one at a time.
    await takeRateSlot(tx, `post:${input.author.id}`, settings.postRateLimit, settings.postRateWindowSeconds, 'posts');
    const board = await this.boardOf(tx, input);
    // An unknown board or thread: nothing to hold; the caller answers NOT_FOUND and rolls back.
    if (!board) return { heldReason: null, rules: [] };
    const hash = textFingerprint(input.plainText, settings.duplicateTextMinChars);
    const [recent]: { seconds: number | null; duplicate: boolean }[] = await tx.query(
      `SELECT (SELECT extract(epoch FROM now() - max(created_at))::float FROM post_fingerprints WHERE author_id = $1) AS seconds,
              ($2::text IS NOT NULL AND $4::int IS NOT NULL AND EXISTS (
                SELECT 1 FROM post_fingerprints WHERE text_hash = $2 AND created_at > now() - make_interval(mins => $4)
                   AND ($3::uuid IS NULL OR thread_id IS DISTINCT FROM $3::uuid))) AS duplicate`,
      [input.author.id, hash, input.threadId, settings.duplicateTextWindowMinutes],
    );
    await tx.query(`INSERT INTO post_fingerprints (author_id, thread_id, text_hash) VALUES ($1, $2, $3)`, [input.author.id, input.threadId, hash]);
    const matcher = await this.matcher(tx, board.locale);
    const activity: RecentActivity = {
      secondsSincePrevious: recent.seconds,
      duplicateElsewhere: recent.duplicate,
      blockedMatch: matcher.firstMatch(input.plainText) ?? matcher.firstMatch(input.markdown),
    };
    const rules = holdReasons({ role: input.author.role, trustLevel: input.author.trustLevel, boardPolicy: board.moderationPolicy, markdown: input.markdown }, settings, activity);
    return { heldReason: rules[0] ?? null, rules };
  }

  private async boardOf(tx: EntityManager, input: Pick<PostScreeningInput, 'boardId' | 'threadId'>): Promise<BoardEntity | null> {
    if (input.boardId) return tx.findOne(BoardEntity, { where: { id: input.boardId } });
    if (!input.threadId) return null;
    const [row]: { board_id: string }[] = await tx.query(`SELECT board_id FROM threads WHERE id = $1`, [input.threadId]);
    return row ? tx.findOne(BoardEntity, { where: { id: row.board_id } }) : null;
  }

  /**
   * The audit entry of a hold, under the rule's name, in the posting transaction; moderators watching the
   * queue (`moderationQueueChanged`) see the new item at commit. `boardId` is looked up when not given.
   */
  async recordHold(tx: EntityManager, subjectKind: 'thread' | 'post', subjectId: string, screening: Screening, boardId?: string | null): Promise<void> {
    if (!screening.heldReason) return;
    await auditModeration(tx, { rule: screening.heldReason }, {
      action: `${subjectKind}.hold`,
      subjectKind,
      subjectId,
      reason: screening.rules.join(', '),
      before: null,
      after: { status: ContentStatus.Pending, rules: screening.rules },
    });
    const board = boardId !== undefined ? boardId : await this.boardOfContent(tx, subjectKind, subjectId);
    await this.queueEvents.publish(tx, { change: ModerationQueueChange.Added, itemKind: subjectKind, itemId: subjectId, boardId: board, reason: screening.heldReason });
  }

  /** A member's new flag entered the queue: moderators watching it see it at commit (the forum's flag use case calls this). */
  async recordFlag(tx: EntityManager, flag: { id: string; threadId: string; kind: string }): Promise<void> {
    const boardId = await this.boardOfContent(tx, 'thread', flag.threadId);
    await this.queueEvents.publish(tx, { change: ModerationQueueChange.Added, itemKind: 'flag', itemId: flag.id, boardId, reason: flag.kind });
  }

  private async boardOfContent(tx: EntityManager, kind: 'thread' | 'post', id: string): Promise<string | null> {
    const [row]: { board_id: string }[] =
      kind === 'thread'
        ? await tx.query('SELECT board_id FROM threads WHERE id = $1', [id])
        : await tx.query('SELECT t.board_id FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = $1', [id]);
    return row?.board_id ?? null;
  }

  async checkPostSlot(member: { id: string; role: Role }): Promise<void> {
    if (member.role !== Role.Member) return;
    const settings = await this.settings();
    await assertRateSlotFree(this.dataSource.manager, `post:${member.id}`, settings.postRateLimit, settings.postRateWindowSeconds, 'posts');
  }

  async takeEditSlot(tx: EntityManager, member: { id: string; role: Role }): Promise<void> {
    if (member.role !== Role.Member) return;
    const settings = await this.settings(tx);
    await takeRateSlot(tx, `post:${member.id}`, settings.postRateLimit, settings.postRateWindowSeconds, 'posts');
  }

  async screenEdit(tx: EntityManager, input: { author: { id: string; role: Role }; threadId: string; markdown: string; plainText: string }): Promise<string[]> {
    if (input.author.role !== Role.Member) return [];
    const settings = await this.settings(tx);
    const board = await this.boardOf(tx, { boardId: null, threadId: input.threadId });
    if (!board) return [];
    const matcher = await this.matcher(tx, board.locale);
    return contentHoldReasons(input.markdown, settings, matcher.firstMatch(input.plainText) ?? matcher.firstMatch(input.markdown));
  }

  /** Takes a flag slot from the member's rate limit (RATE_LIMITED when full); the forum's flag use case calls it in its transaction. */
  async takeFlagSlot(tx: EntityManager, member: { id: string; role: Role }): Promise<void> {
    if (member.role !== Role.Member) return;
    const settings = await this.settings(tx);
    await takeRateSlot(tx, `flag:${member.id}`, settings.flagRateLimit, settings.flagRateWindowSeconds, 'flags');
  }

  async settings(executor: EntityManager = this.dataSource.manager): Promise<AutoModerationSettingsEntity> {
    return executor.findOneOrFail(AutoModerationSettingsEntity, { where: { id: 1 } });
  }

  async updateSettings(actor: ModerationActor, patch: SettingsPatch): Promise<AutoModerationSettingsEntity> {
    return this.dataSource.transaction(async (tx) => {
      const before = await tx.findOneOrFail(AutoModerationSettingsEntity, { where: { id: 1 }, lock: { mode: 'pessimistic_write' } });
      const changes = Object.fromEntries(Object.entries(patch).filter(([key, value]) => value !== undefined && (before as unknown as Record<string, unknown>)[key] !== value));
      if (Object.keys(changes).length === 0) return before;
      await tx.update(AutoModerationSettingsEntity, { id: 1 }, { ...changes, updatedBy: actor.userId ?? null });
      await auditModeration(tx, actor, {
        action: 'automod.settings_update',
        subjectKind: 'settings',
        subjectId: SETTINGS_SUBJECT_ID,
        before: Object.fromEntries(Object.keys(changes).map((key) => [key, (before as unknown as Record<string, unknown>)[key]])),
        after: changes,
      });
      return tx.findOneOrFail(AutoModerationSettingsEntity, { where: { id: 1 } });
    });
  }

  async listPatterns(locale: string | null): Promise<BlockedPatternEntity[]> {
    const query = this.dataSource.manager.createQueryBuilder(BlockedPatternEntity, 'p').orderBy('p.created_at', 'ASC');
    if (locale) query.where('(p.locale = :locale OR p.locale IS NULL)', { locale });
    return query.getMany();
  }

  async addPattern(actor: ModerationActor, input: { locale: string | null; kind: BlockedPatternKind; pattern: string }): Promise<BlockedPatternEntity> {
    const problem = patternProblem(input.kind, input.pattern);
    if (problem) {
      const messages: Record<typeof problem, string> = {
        EMPTY: 'pattern must not be empty',
        TOO_LONG: 'pattern must be at most 200 characters',
        INVALID_REGEX: 'pattern is not a regular expression the linear-time engine accepts (no look-arounds or back-references)',
      };
      throw new BadUserInputError('The blocked pattern cannot be used', [{ field: 'pattern', messages: [messages[problem]] }]);
    }
    return this.dataSource.transaction(async (tx) => {
      const rows: BlockedPatternEntity[] = await tx.query(
        `INSERT INTO blocked_patterns (locale, kind, pattern, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
        [input.locale, input.kind, input.pattern, actor.userId ?? null],
      );
      if (rows.length === 0) throw new ConflictError('This pattern is already blocked', { reason: 'DUPLICATE_PATTERN' });
      const pattern = await tx.findOneOrFail(BlockedPatternEntity, { where: { id: rows[0].id } });
      await auditModeration(tx, actor, { action: 'automod.pattern_add', subjectKind: 'blocked_pattern', subjectId: pattern.id, after: { locale: pattern.locale, kind: pattern.kind, pattern: pattern.pattern } });
      return pattern;
    });
  }

  async removePattern(actor: ModerationActor, id: string): Promise<BlockedPatternEntity> {
    return this.dataSource.transaction(async (tx) => {
      const pattern = await tx.findOne(BlockedPatternEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!pattern) throw new NotFoundError('BlockedPattern', id);
      await tx.delete(BlockedPatternEntity, { id });
      await auditModeration(tx, actor, { action: 'automod.pattern_remove', subjectKind: 'blocked_pattern', subjectId: id, before: { locale: pattern.locale, kind: pattern.kind, pattern: pattern.pattern } });
      return pattern;
    });
  }

  /** The compiled matcher of a locale's patterns (and those of every locale), cached by their ids and text. */
  private async matcher(tx: EntityManager, locale: string): Promise<BlockedMatcher> {
    const patterns: { id: string; kind: 'word' | 'regex'; pattern: string }[] = await tx.query(
      `SELECT id, kind, pattern FROM blocked_patterns WHERE locale IS NULL OR locale = $1 ORDER BY created_at, id`,
      [locale],
    );
    const key = patterns.map((p) => `${p.id}:${p.pattern}`).join('|');
    let matcher = this.matchers.get(key);
    if (!matcher) {
      matcher = new BlockedMatcher(patterns);
      this.matchers.set(key, matcher);
    }
    return matcher;
  }
}

/** The settings row has no uuid of its own; its audit entries use this fixed subject id. */
export const SETTINGS_SUBJECT_ID = '00000000-0000-4000-8000-00000000a001';
