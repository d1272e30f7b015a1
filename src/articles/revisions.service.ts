import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { NotFoundError } from '../common/errors/app-error';
import { diffRevisions, RevisionDiff } from './revisions/diff-revisions';
import { ArticleAssetsService } from './article-assets.service';
import { outlineOfHtml, readingTimeMinutes } from './content/article-outline';
import { assetReferencesOf, excerptOf, renderMarkdown } from './content/render-markdown';
import { ArticleLocaleEntity, ReviewState } from './entities/article-locale.entity';
import { ArticleRevisionEntity } from './entities/article-revision.entity';

export interface RevisionContent {
  title: string;
  bodyMarkdown: string;
  /** Editor-written plain-text excerpt; derived from the body when empty. */
  excerpt?: string | null;
  seoTitle?: string | null;
  seoDescription?: string | null;
  /** Open Graph image URL (validated at the edge). */
  ogImageUrl?: string | null;
}

export type HeadRevision = Omit<AppendRevision, 'articleId' | 'locale' | 'number'>;

export interface AppendRevision {
  articleId: string;
  locale: string;
  number: number;
  content: RevisionContent;
  authorId: string | null;
  changeNote?: string | null;
  translatedFromRevisionId?: string | null;
  restoredFromNumber?: number | null;
}

/** Writes immutable revisions; the HTML and excerpt are rendered here, once per revision. */
@Injectable()
export class RevisionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly articleAssets: ArticleAssetsService,
  ) {}

  async diff(articleId: string, locale: string, fromNumber: number, toNumber: number, context?: number | null): Promise<RevisionDiff> {
    const found = await this.dataSource.manager.find(ArticleRevisionEntity, {
      select: { number: true, title: true, bodyMarkdown: true },
      where: { articleId, locale, number: In([fromNumber, toNumber]) },
    });
    const from = found.find((r) => r.number === fromNumber);
    const to = found.find((r) => r.number === toNumber);
    if (!from) throw new NotFoundError('Revision', `${articleId}/${locale}/${fromNumber}`);
    if (!to) throw new NotFoundError('Revision', `${articleId}/${locale}/${toNumber}`);
    return diffRevisions(from, to, context == null ? {} : { context });
  }

  /**
   * The one way an existing locale gets a new head revision (saves, restores): appends it, moves the head,
   * voids any review of an earlier revision (state, reviewer's comment) and sets the status the workflow
   * chose. Saves the locale row.
   */
  async appendHead(tx: EntityManager, state: ArticleLocaleEntity, revision: HeadRevision, status: ArticleLocaleEntity['status']): Promise<ArticleRevisionEntity> {
    const appended = await this.append(tx, { ...revision, articleId: state.articleId, locale: state.locale, number: state.headRevisionNumber + 1 });
    state.headRevisionNumber = appended.number;
    state.reviewState = ReviewState.None;
    state.reviewRevisionNumber = null;
    state.reviewComment = null;
    state.status = status;
    await tx.save(state);
    return appended;
  }

  async append(tx: EntityManager, revision: AppendRevision): Promise<ArticleRevisionEntity> {
    const assetIds = assetReferencesOf(revision.content.bodyMarkdown);
    // References first: they hold the assets against a deletion, so the rendering sees the ones that stay.
    await this.articleAssets.recordReferences(tx, revision.articleId, assetIds);
    const rendered = renderMarkdown(revision.content.bodyMarkdown, { assets: await this.articleAssets.renderable(tx, assetIds) });
    const excerpt = revision.content.excerpt?.trim() || excerptOf(rendered.plainText);
    return tx.save(
      tx.create(ArticleRevisionEntity, {
        articleId: revision.articleId,
        locale: revision.locale,
        number: revision.number,
        title: revision.content.title.trim(),
        bodyMarkdown: revision.content.bodyMarkdown,
        bodyHtml: rendered.html,
        bodyText: rendered.plainText,
        headings: rendered.headings,
        excerpt,
        seoTitle: revision.content.seoTitle?.trim() || null,
        seoDescription: revision.content.seoDescription?.trim() || null,
        ogImageUrl: revision.content.ogImageUrl?.trim() || null,
        outline: outlineOfHtml(rendered.html),
        readingTimeMinutes: readingTimeMinutes(rendered.plainText),
        authorId: revision.authorId,
        changeNote: revision.changeNote?.trim() ?? '',
        translatedFromRevisionId: revision.translatedFromRevisionId ?? null,
        restoredFromNumber: revision.restoredFromNumber ?? null,
      }),
    );
  }

  async findByNumber(manager: EntityManager, articleId: string, locale: string, number: number): Promise<ArticleRevisionEntity | null> {
    return manager.findOne(ArticleRevisionEntity, { where: { articleId, locale, number } });
  }
}
