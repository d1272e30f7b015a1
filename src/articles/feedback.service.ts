import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors/app-error';
import { Connection, decodeTimeIdCursor, encodeCursor } from '../common/graphql/connection';
import { AppConfig } from '../config/app-config';
import { DeliveryService } from './delivery/delivery.service';
import { ArticleFeedbackEntity } from './entities/article-feedback.entity';
import { clientNetwork } from '../common/http/client-network';
import { lockActiveAccount } from '../users/active-account-lock';

export interface FeedbackCommand {
  articleId: string;
  locale: string;
  isHelpful: boolean;
  comment?: string | null;
}

/** Who gives feedback: a member, or an anonymous client known only by a keyed daily hash. */
export interface FeedbackClient {
  memberId: string | null;
  ip: string;
  userAgent: string;
}

export interface FeedbackSummary {
  helpful: number;
  notHelpful: number;
  byRevision: { revisionNumber: number; helpful: number; notHelpful: number }[];
}

@Injectable()
export class FeedbackService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly delivery: DeliveryService,
    private readonly config: AppConfig,
  ) {}

  /**
   * One vote per client, article and day: a second one the same day replaces the first (a change of mind
   * never counts twice). The vote is tied to the revision the reader saw: with a locale that fell back, the
   * fallback locale's published revision, and it is recorded under that locale (docs/knowledge-base.md).
   */
  async submit(command: FeedbackCommand, client: FeedbackClient, now = new Date()): Promise<ArticleFeedbackEntity> {
    const requested = this.delivery.locale(command.locale);
    const article = await this.delivery.served(command.articleId, requested);
    if (!article) throw new NotFoundError('Article', `${command.articleId} (${requested})`);
    const locale = article.locale;
    const day = now.toISOString().slice(0, 10);
    const clientKey = this.clientKey(client, day);
    const comment = command.comment?.trim() || null;
    const [row] = await this.dataSource.transaction(async (tx) => {
      // A member's vote links a row to them: it must not commit after their account's deletion (decision 0035).
      if (client.memberId) await lockActiveAccount(tx, client.memberId);
      return tx.query(
        `INSERT INTO article_feedback (article_id, locale, revision_id, is_helpful, comment, member_id, client_key, day)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (article_id, client_key, day) DO UPDATE
           SET locale = EXCLUDED.locale, revision_id = EXCLUDED.revision_id, is_helpful = EXCLUDED.is_helpful,
               comment = EXCLUDED.comment, created_at = now()
         RETURNING id`,
        [article.id, locale, article.revisionId, command.isHelpful, comment, client.memberId, clientKey, day],
      );
    });
    return this.dataSource.getRepository(ArticleFeedbackEntity).findOneByOrFail({ id: (row as { id: string }).id });
  }

  async summary(articleId: string, locale: string | null): Promise<FeedbackSummary> {
    const rows: { number: number; helpful: number; not_helpful: number }[] = await this.dataSource.query(
      `SELECT r.number, count(*) FILTER (WHERE f.is_helpful)::int AS helpful, count(*) FILTER (WHERE NOT f.is_helpful)::int AS not_helpful
       FROM article_feedback f JOIN article_revisions r ON r.id = f.revision_id
       WHERE f.article_id = $1 AND ($2::text IS NULL OR f.locale = $2)
       GROUP BY r.number ORDER BY r.number`,
      [articleId, locale],
    );
    return {
      helpful: rows.reduce((sum, row) => sum + row.helpful, 0),
      notHelpful: rows.reduce((sum, row) => sum + row.not_helpful, 0),
      byRevision: rows.map((row) => ({ revisionNumber: row.number, helpful: row.helpful, notHelpful: row.not_helpful })),
    };
  }

  /** Feedback that came with a comment, newest first. */
  async comments(articleId: string, locale: string | null, page: { first: number; after?: string | null }): Promise<Connection<ArticleFeedbackEntity>> {
    const query = this.dataSource
      .getRepository(ArticleFeedbackEntity)
      .createQueryBuilder('f')
      .where('f.article_id = :articleId AND f.comment IS NOT NULL', { articleId });
    if (locale) query.andWhere('f.locale = :locale', { locale });
    const total = await query.clone().getCount();
    if (page.after) {
      const [createdAt, id] = decodeTimeIdCursor(page.after);
      query.andWhere(`(date_trunc('milliseconds', f.created_at), f.id) < (:createdAt::timestamptz, :id::uuid)`, { createdAt, id });
    }
    const rows = await query.orderBy(`date_trunc('milliseconds', f.created_at)`, 'DESC').addOrderBy('f.id', 'DESC').take(page.first + 1).getMany();
    const edges = rows.slice(0, page.first).map((node) => ({ node, cursor: encodeCursor([node.createdAt.toISOString(), node.id]) }));
    return { edges, totalCount: total, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** Keyed by a secret and the day, so the same reader cannot be followed from one day to the next. */
  private clientKey(client: FeedbackClient, day: string): string {
    const identity = client.memberId ? `member:${client.memberId}` : `anonymous:${clientNetwork(client.ip)}:${client.userAgent}`;
    return createHmac('sha256', this.config.auth.jwtSecret ?? '').update(`feedback:${day}:${identity}`).digest('base64url');
  }
}
