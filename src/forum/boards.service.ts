import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { isValidSlug, slugify } from '../articles/slugs/slugify';
import type { AuthUser } from '../auth/auth-user';
import { recordChange } from '../changes/content-changes';
import { recordAudit } from '../common/audit/record-audit';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-error';
import { LocalesService } from '../common/locales/locales.service';
import { BoardEntity } from './entities/board.entity';
import { ModerationPolicy } from './entities/forum-enums';

export interface BoardFields {
  name: string;
  slug?: string | null;
  description?: string | null;
  locale?: string | null;
  position?: number | null;
  moderationPolicy?: ModerationPolicy | null;
}

/** Boards are set up by staff; every change is audited. */
@Injectable()
export class BoardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly locales: LocalesService,
  ) {}

  async list(): Promise<BoardEntity[]> {
    return this.dataSource.getRepository(BoardEntity).find({ order: { position: 'ASC', name: 'ASC', id: 'ASC' } });
  }

  async create(actor: AuthUser, fields: BoardFields): Promise<BoardEntity> {
    const locale = this.locale(fields.locale);
    const slug = this.slug(fields.slug, fields.name, locale);
    return this.saving(slug, () =>
      this.dataSource.transaction(async (tx) => {
        const board = await tx.save(
          tx.create(BoardEntity, {
            slug,
            name: fields.name,
            description: fields.description ?? '',
            locale,
            position: fields.position ?? 0,
            moderationPolicy: fields.moderationPolicy ?? ModerationPolicy.Open,
          }),
        );
        await recordAudit(tx, { actorId: actor.id, action: 'board.create', subjectKind: 'board', subjectId: board.id, after: snapshot(board) });
        await recordChange(tx, { kind: 'board', change: 'created', id: board.id });
        return board;
      }),
    );
  }

  async update(actor: AuthUser, boardId: string, fields: { [K in keyof BoardFields]?: BoardFields[K] | null }): Promise<BoardEntity> {
    return this.dataSource.transaction(async (tx) => {
      const board = await tx.findOne(BoardEntity, { where: { id: boardId }, lock: { mode: 'pessimistic_write' } });
      if (!board) throw new NotFoundError('Board', boardId);
      const before = snapshot(board);
      if (fields.name != null) board.name = fields.name;
      if (fields.description != null) board.description = fields.description;
      if (fields.locale != null) board.locale = this.locale(fields.locale);
      if (fields.position != null) board.position = fields.position;
      if (fields.moderationPolicy != null) board.moderationPolicy = fields.moderationPolicy;
      if (fields.slug != null) board.slug = this.slug(fields.slug, board.name, board.locale);
      const saved = await this.saving(board.slug, () => tx.save(board));
      await recordAudit(tx, { actorId: actor.id, action: 'board.update', subjectKind: 'board', subjectId: board.id, before, after: snapshot(saved) });
      // Threads carry their board's locale in search documents.
      await recordChange(tx, { kind: 'board', change: 'updated', id: board.id });
      const threadIds: { id: string }[] = await tx.query('SELECT id FROM threads WHERE board_id = $1', [board.id]);
      if (before.locale !== saved.locale) await recordChange(tx, { kind: 'thread', change: 'updated', ids: threadIds.map((row) => row.id) });
      return saved;
    });
  }

  private locale(tag: string | null | undefined): string {
    if (!tag) return this.locales.defaultLocale;
    return this.locales.resolve(tag);
  }

  private slug(given: string | null | undefined, name: string, locale: string): string {
    if (given == null) return slugify(name, locale);
    if (!isValidSlug(given)) throw new BadUserInputError('The slug is not valid', [{ field: 'slug', messages: ['slug must be lower-case words joined by dashes'] }]);
    return given;
  }

  private async saving<T>(slug: string, save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { constraint?: string }).constraint === 'boards_slug_key') {
        throw new ConflictError(`Another board has the slug ${slug}`, { reason: 'SLUG_TAKEN', slug });
      }
      throw error;
    }
  }
}

function snapshot(board: BoardEntity): Record<string, unknown> {
  return { slug: board.slug, name: board.name, description: board.description, locale: board.locale, position: board.position, moderationPolicy: board.moderationPolicy };
}
