import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-error';
import { LocalesService } from '../common/locales/locales.service';
import { recordChange } from '../changes/content-changes';
import { ArticleEntity } from './entities/article.entity';
import { CategoryTranslationEntity } from './entities/category-translation.entity';
import { CategoryEntity } from './entities/category.entity';
import { isValidSlug, slugify, withSuffix } from './slugs/slugify';

export interface CategoryTranslationInput {
  locale: string;
  name: string;
  slug?: string | null;
  description?: string | null;
  /** SEO fields: omitted (undefined) keeps the stored value; null clears it. */
  seoTitle?: string | null;
  seoDescription?: string | null;
  ogImageUrl?: string | null;
}

export interface CreateCategoryCommand {
  parentId?: string | null;
  position?: number | null;
  reviewIntervalDays?: number | null;
  /** One of ROBOTS_DIRECTIVES (validated at the edge); null: index,follow. */
  robots?: string | null;
  translations: CategoryTranslationInput[];
}

export interface UpdateCategoryCommand {
  id: string;
  /** Omitted: unchanged; null: back to the configured default. */
  reviewIntervalDays?: number | null;
  /** Omitted: unchanged; null: back to index,follow. */
  robots?: string | null;
  /** Upserted per locale; other locales stay. */
  translations?: CategoryTranslationInput[];
  removeLocales?: string[];
}

export interface MoveCategoryCommand {
  id: string;
  parentId: string | null;
  /** Among the new siblings; omitted: last. */
  position?: number | null;
}

export type CategoryWithTranslations = CategoryEntity & { translations: CategoryTranslationEntity[] };

/** Serializes every change to the tree, so concurrent moves can never build a cycle. */
const TREE_LOCK_KEY = 774_201;

@Injectable()
export class CategoriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly locales: LocalesService,
  ) {}

  async tree(): Promise<CategoryWithTranslations[]> {
    return (await this.dataSource.getRepository(CategoryEntity).find({
      relations: { translations: true },
      order: { position: 'ASC' },
    })) as CategoryWithTranslations[];
  }

  async getById(id: string, manager: EntityManager = this.dataSource.manager): Promise<CategoryWithTranslations> {
    const category = await manager.findOne(CategoryEntity, { where: { id }, relations: { translations: true } });
    if (!category) throw new NotFoundError('Category', id);
    return category as CategoryWithTranslations;
  }

  async create(command: CreateCategoryCommand): Promise<CategoryWithTranslations> {
    const translations = this.checkTranslations(command.translations, 'input.translations', true);
    return this.dataSource.transaction(async (tx) => {
      await lockTree(tx);
      const parentId = command.parentId ?? null;
      if (parentId) await this.getById(parentId, tx);
      const position = await this.openSlot(tx, parentId, command.position, 'input.position');
      const category = await tx.save(
        tx.create(CategoryEntity, { parentId, position, reviewIntervalDays: command.reviewIntervalDays ?? null, robots: command.robots ?? null }),
      );
      await this.saveTranslations(tx, category.id, translations);
      await recordChange(tx, { kind: 'category', id: category.id, change: 'created' });
      return this.getById(category.id, tx);
    });
  }

  async update(command: UpdateCategoryCommand): Promise<CategoryWithTranslations> {
    const translations = command.translations ? this.checkTranslations(command.translations, 'input.translations', false) : [];
    const removeLocales = (command.removeLocales ?? []).map((locale) => this.locales.resolve(locale, 'input.removeLocales'));
    return this.dataSource.transaction(async (tx) => {
      // As every change of the tree: a rename at the moment of a deletion locked the translations, then the category,
      // the deletion the other way round (a deadlock), and two translations could claim one slug at once.
      await lockTree(tx);
      const category = await this.getById(command.id, tx);
      if (command.reviewIntervalDays !== undefined) {
        await tx.update(CategoryEntity, { id: category.id }, { reviewIntervalDays: command.reviewIntervalDays });
      }
      if (command.robots !== undefined) await tx.update(CategoryEntity, { id: category.id }, { robots: command.robots });
      if (removeLocales.length > 0) {
        const remaining = category.translations.filter(
          (t) => !removeLocales.includes(t.locale) && !translations.some((n) => n.locale === t.locale),
        );
        if (remaining.length + translations.length === 0) {
          throw new BadUserInputError('A category keeps at least one translation', [
            { field: 'input.removeLocales', messages: ['removeLocales would remove every translation'] },
          ]);
        }
        await tx.delete(CategoryTranslationEntity, removeLocales.map((locale) => ({ categoryId: category.id, locale })));
      }
      await this.saveTranslations(tx, category.id, translations);
      await tx.update(CategoryEntity, { id: category.id }, { updatedAt: () => 'now()' });
      await recordChange(tx, { kind: 'category', id: category.id, change: 'updated' });
      return this.getById(category.id, tx);
    });
  }

  /** Moves under another parent (or to the root) and/or to another position; refuses cycles. */
  async move(command: MoveCategoryCommand): Promise<CategoryWithTranslations> {
    return this.dataSource.transaction(async (tx) => {
      await lockTree(tx);
      const category = await this.getById(command.id, tx);
      const parentId = command.parentId ?? null;
      if (parentId) {
        await this.getById(parentId, tx);
        if (await this.isSelfOrDescendant(tx, category.id, parentId)) {
          throw new BadUserInputError('A category cannot move under itself or one of its descendants', [
            { field: 'input.parentId', messages: ['parentId would create a cycle'] },
          ]);
        }
      }
      await this.closeSlot(tx, category.parentId, category.position);
      // Park it outside every sibling list while positions shift.
      await tx.update(CategoryEntity, { id: category.id }, { parentId, position: -1 });
      const position = await this.openSlot(tx, parentId, command.position, 'input.position');
      await tx.update(CategoryEntity, { id: category.id }, { position });
      if (parentId !== category.parentId) {
        // Search documents carry their category's ancestors.
        const moved: { id: string }[] = await tx.query('SELECT id FROM articles WHERE category_id = ANY($1::uuid[])', [await this.subtreeIds(category.id, tx)]);
        await recordChange(tx, { kind: 'article', ids: moved.map((row) => row.id), change: 'recategorized' });
      }
      await recordChange(tx, { kind: 'category', id: category.id, change: 'updated' });
      return this.getById(category.id, tx);
    });
  }

  async delete(id: string): Promise<CategoryWithTranslations> {
    return this.dataSource.transaction(async (tx) => {
      await lockTree(tx);
      const category = await this.getById(id, tx);
      // Articles being created in it or moved to it hold it (FOR KEY SHARE) until they commit: wait, then count them.
      await tx.query('SELECT 1 FROM categories WHERE id = $1 FOR UPDATE', [id]);
      const children = await tx.count(CategoryEntity, { where: { parentId: id } });
      const articles = await tx.count(ArticleEntity, { where: { categoryId: id } });
      if (children > 0 || articles > 0) {
        throw new ConflictError('Only an empty category can be deleted', { reason: 'CATEGORY_NOT_EMPTY', children, articles });
      }
      await tx.delete(CategoryEntity, { id });
      await this.closeSlot(tx, category.parentId, category.position);
      await recordChange(tx, { kind: 'category', id, change: 'purged' });
      return category;
    });
  }

  /** The category and its ancestors, root first. */
  async path(id: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `WITH RECURSIVE up AS (
         SELECT id, parent_id, 0 AS depth FROM categories WHERE id = $1
         UNION ALL
         SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id)
       SELECT id FROM up ORDER BY depth DESC`,
      [id],
    );
    return rows.map((row) => row.id);
  }

  /** The category and every category below it. */
  async subtreeIds(id: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `WITH RECURSIVE down AS (
         SELECT id FROM categories WHERE id = $1
         UNION ALL
         SELECT c.id FROM categories c JOIN down ON c.parent_id = down.id)
       SELECT id FROM down`,
      [id],
    );
    return rows.map((row) => row.id);
  }

  private async isSelfOrDescendant(tx: EntityManager, ancestorId: string, candidateId: string): Promise<boolean> {
    return (await this.subtreeIds(ancestorId, tx)).includes(candidateId);
  }

  private checkTranslations(inputs: CategoryTranslationInput[], field: string, required: boolean): CategoryTranslationInput[] {
    if (required && inputs.length === 0) {
      throw new BadUserInputError('A category needs a name in at least one locale', [{ field, messages: [`${field} must not be empty`] }]);
    }
    const seen = new Set<string>();
    return inputs.map((input, index) => {
      const locale = this.locales.resolve(input.locale, `${field}.${index}.locale`);
      if (seen.has(locale)) {
        throw new BadUserInputError(`Locale ${locale} is given twice`, [{ field: `${field}.${index}.locale`, messages: ['locales must be distinct'] }]);
      }
      seen.add(locale);
      const name = input.name.trim();
      if (name.length === 0) throw new BadUserInputError('A category name cannot be empty', [{ field: `${field}.${index}.name`, messages: ['name must not be empty'] }]);
      if (input.slug != null && !isValidSlug(input.slug)) {
        throw new BadUserInputError('The slug is not valid', [
          { field: `${field}.${index}.slug`, messages: ['slug must be lower-case letters, digits and single dashes, up to 80 characters'] },
        ]);
      }
      return {
        locale,
        name,
        slug: input.slug ?? null,
        description: input.description?.trim() ?? '',
        seoTitle: input.seoTitle,
        seoDescription: input.seoDescription,
        ogImageUrl: input.ogImageUrl,
      };
    });
  }

  private async saveTranslations(tx: EntityManager, categoryId: string, translations: CategoryTranslationInput[]): Promise<void> {
    for (const translation of translations) {
      const existing = await tx.findOne(CategoryTranslationEntity, { where: { categoryId, locale: translation.locale } });
      const slug = await this.availableSlug(tx, categoryId, translation, existing?.slug ?? null);
      await tx.save(
        tx.create(CategoryTranslationEntity, {
          categoryId,
          locale: translation.locale,
          name: translation.name,
          slug,
          description: translation.description ?? existing?.description ?? '',
          seoTitle: translation.seoTitle !== undefined ? translation.seoTitle || null : (existing?.seoTitle ?? null),
          seoDescription: translation.seoDescription !== undefined ? translation.seoDescription || null : (existing?.seoDescription ?? null),
          ogImageUrl: translation.ogImageUrl !== undefined ? translation.ogImageUrl || null : (existing?.ogImageUrl ?? null),
        }),
      );
    }
  }

  /** An explicit slug must be free; a generated one gets a numeric suffix until it is. */
  private async availableSlug(
    tx: EntityManager,
    categoryId: string,
    translation: CategoryTranslationInput,
    currentSlug: string | null,
  ): Promise<string> {
    const taken = async (slug: string): Promise<boolean> => {
      const owner = await tx.findOne(CategoryTranslationEntity, { where: { locale: translation.locale, slug } });
      return owner !== null && owner.categoryId !== categoryId;
    };
    if (translation.slug) {
      if (await taken(translation.slug)) {
        throw new ConflictError(`Another category already uses the slug ${translation.slug} in ${translation.locale}`, {
          reason: 'SLUG_TAKEN',
          slug: translation.slug,
          locale: translation.locale,
        });
      }
      return translation.slug;
    }
    if (currentSlug) return currentSlug;
    const base = slugify(translation.name, translation.locale);
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? base : withSuffix(base, n);
      if (!(await taken(candidate))) return candidate;
    }
  }

  /** Makes room at `requested` (default: the end) among the children of `parentId`; returns the position. */
  private async openSlot(tx: EntityManager, parentId: string | null, requested: number | null | undefined, field: string): Promise<number> {
    const siblings = await tx.count(CategoryEntity, { where: { parentId: parentId ?? IsNull() } });
    const siblingCount = siblings - (await tx.count(CategoryEntity, { where: { parentId: parentId ?? IsNull(), position: -1 } }));
    if (requested == null) return siblingCount;
    if (requested < 0 || requested > siblingCount) {
      throw new BadUserInputError('The position is out of range', [{ field, messages: [`position must be between 0 and ${siblingCount}`] }]);
    }
    await tx.query(
      `UPDATE categories SET position = position + 1 WHERE parent_id IS NOT DISTINCT FROM $1 AND position >= $2`,
      [parentId, requested],
    );
    return requested;
  }

  private async closeSlot(tx: EntityManager, parentId: string | null, position: number): Promise<void> {
    await tx.query(`UPDATE categories SET position = position - 1 WHERE parent_id IS NOT DISTINCT FROM $1 AND position > $2`, [
      parentId,
      position,
    ]);
  }
}

async function lockTree(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [TREE_LOCK_KEY]);
}
