import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../../common/errors/app-error';
import { Connection, decodeTimeIdCursor, encodeCursor } from '../../common/graphql/connection';
import { recordAudit } from '../../common/audit/record-audit';
import { LocalesService } from '../../common/locales/locales.service';
import { UserEntity } from '../../users/entities/user.entity';
import { EDITORIAL_ROLES } from '../../users/role.enum';
import { ArticleEntity } from '../entities/article.entity';
import { PreviewTokenEntity } from '../entities/preview-token.entity';
import {
  hashPreviewToken,
  issuePreviewToken,
  isWellFormedPreviewToken,
  PREVIEW_TOKEN_DEFAULT_SECONDS,
  PreviewScope,
  previewTokenState,
} from './preview-token';

export interface CreatePreviewTokenCommand {
  articleId?: string | null;
  locale?: string | null;
  expiresInSeconds?: number | null;
  label?: string | null;
}

/** The audit subject kind of preview tokens (entries `preview-token.create` and `preview-token.revoke`). */
export const PREVIEW_TOKEN_SUBJECT = 'preview_token';

export interface CreatedPreviewToken {
  /** The secret, shown once: only its hash is stored. */
  token: string;
  previewToken: PreviewTokenEntity;
}

/** Mints, lists, revokes and checks draft-preview tokens (docs/front-end.md, "Draft preview"). */
@Injectable()
export class PreviewTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly locales: LocalesService,
  ) {}

  async create(editor: AuthUser, command: CreatePreviewTokenCommand, now = new Date()): Promise<CreatedPreviewToken> {
    if (!command.articleId && !command.locale) {
      throw new BadUserInputError('A preview token needs a scope: an article, a locale, or both', [
        { field: 'articleId', messages: ['give articleId, locale or both'] },
      ]);
    }
    const locale = command.locale ? this.locales.resolve(command.locale) : null;
    if (command.articleId && !(await this.dataSource.getRepository(ArticleEntity).existsBy({ id: command.articleId, deletedAt: IsNull() }))) {
      throw new NotFoundError('Article', command.articleId);
    }
    const issued = issuePreviewToken();
    const seconds = command.expiresInSeconds ?? PREVIEW_TOKEN_DEFAULT_SECONDS;
    return this.dataSource.transaction(async (tx) => {
      const row = await tx.save(
        tx.create(PreviewTokenEntity, {
          tokenHash: issued.hash,
          tokenPrefix: issued.prefix,
          label: command.label?.trim() ?? '',
          articleId: command.articleId ?? null,
          locale,
          createdBy: editor.id,
          expiresAt: new Date(now.getTime() + seconds * 1000),
          revokedAt: null,
          revokedBy: null,
        }),
      );
      await recordAudit(tx, { actorId: editor.id, action: 'preview-token.create', subjectKind: PREVIEW_TOKEN_SUBJECT, subjectId: row.id, after: auditView(row) });
      return { token: issued.token, previewToken: Object.assign(row, { creator: await tx.findOneBy(UserEntity, { id: editor.id }) }) };
    });
  }

  /** Revoking twice is harmless: the first revocation's time and author stay. */
  async revoke(editor: AuthUser, id: string, now = new Date()): Promise<PreviewTokenEntity> {
    return this.dataSource.transaction(async (tx) => {
      const row = await tx.findOne(PreviewTokenEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('PreviewToken', id);
      const creator = row.createdBy === null ? null : await tx.findOneBy(UserEntity, { id: row.createdBy });
      if (row.revokedAt) return Object.assign(row, { creator });
      const before = auditView(row);
      row.revokedAt = now;
      row.revokedBy = editor.id;
      await tx.save(row);
      await recordAudit(tx, { actorId: editor.id, action: 'preview-token.revoke', subjectKind: PREVIEW_TOKEN_SUBJECT, subjectId: row.id, before, after: auditView(row) });
      return Object.assign(row, { creator });
    });
  }

  /** Newest first; only active tokens unless `includeInactive`. */
  async list(includeInactive: boolean, page: { first: number; after?: string | null }, now = new Date()): Promise<Connection<PreviewTokenEntity>> {
    const query = this.dataSource.getRepository(PreviewTokenEntity).createQueryBuilder('t').leftJoinAndSelect('t.creator', 'creator');
    // previewTokenState in SQL, for paging: a token whose minting account left the editorial staff is not active.
    if (!includeInactive) {
      query.where(
        `t.revoked_at IS NULL AND t.expires_at > :now AND creator.deactivated_at IS NULL AND creator.role IN (:...roles)
         AND (creator.suspended_until IS NULL OR creator.suspended_until <= :now)`,
        { now, roles: EDITORIAL_ROLES },
      );
    }
    const total = await query.clone().getCount();
    if (page.after) {
      const [createdAt, id] = decodeTimeIdCursor(page.after);
      query.andWhere(`(date_trunc('milliseconds', t.created_at), t.id) < (:createdAt::timestamptz, :id::uuid)`, { createdAt, id });
    }
    const rows = await query.orderBy(`date_trunc('milliseconds', t.created_at)`, 'DESC').addOrderBy('t.id', 'DESC').limit(page.first + 1).getMany();
    const edges = rows.slice(0, page.first).map((node) => ({ node, cursor: encodeCursor([node.createdAt.toISOString(), node.id]) }));
    return { edges, totalCount: total, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * The scope of a usable token; UNAUTHENTICATED for a malformed, unknown, expired or revoked one. A token is only
   * as good as the account that minted it: once that account is deactivated, deleted, suspended or no longer on the
   * editorial staff, its tokens answer as revoked (decision 0012), whenever that happened.
   */
  async authorize(token: string, now = new Date()): Promise<PreviewScope> {
    const row = isWellFormedPreviewToken(token)
      ? await this.dataSource.getRepository(PreviewTokenEntity).findOne({ where: { tokenHash: hashPreviewToken(token) }, relations: { creator: true } })
      : null;
    if (!row) throw new UnauthenticatedError('The preview token is not valid', { reason: 'PREVIEW_TOKEN_INVALID' });
    const state = previewTokenState(row, row.creator ?? null, now);
    if (state === 'revoked') throw new UnauthenticatedError('The preview token was revoked', { reason: 'PREVIEW_TOKEN_REVOKED' });
    if (state === 'expired') throw new UnauthenticatedError('The preview token has expired', { reason: 'PREVIEW_TOKEN_EXPIRED' });
    return { articleId: row.articleId, locale: row.locale };
  }
}

/** What the audit log keeps of a token: its scope and lifetime, never the secret or its hash. */
function auditView(row: PreviewTokenEntity): Record<string, unknown> {
  return {
    label: row.label,
    tokenPrefix: row.tokenPrefix,
    articleId: row.articleId,
    locale: row.locale,
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
