import { Injectable } from '@nestjs/common';
import { ArticleLookup, DeliveryService, ResolvedArticle } from '../delivery/delivery.service';
import { PublishedArticle } from '../delivery/published-articles.repository';
import { LocalesService } from '../../common/locales/locales.service';
import { DraftArticlesRepository } from './draft-articles.repository';
import { isInPreviewScope, PreviewScope } from './preview-token';
import { PreviewTokensService } from './preview-tokens.service';

/**
 * `article` of the delivery API with an optional preview token: the head draft for an article in the token's
 * scope (published or never published), else the published article exactly as without a token. Drafts are
 * read straight from PostgreSQL, never through the delivery caches.
 */
@Injectable()
export class PreviewService {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly drafts: DraftArticlesRepository,
    private readonly tokens: PreviewTokensService,
    private readonly locales: LocalesService,
  ) {}

  /** `previewToken` undefined: no preview asked for. A token that is not usable: UNAUTHENTICATED. */
  async article(lookup: ArticleLookup, previewToken: string | undefined): Promise<ResolvedArticle | null> {
    if (previewToken === undefined) return this.delivery.article(lookup);
    const scope = await this.tokens.authorize(previewToken);
    const requestedLocale = this.delivery.locale(lookup.locale);
    const draft = await this.draft(lookup, requestedLocale, scope);
    if (draft) return { article: draft.article, requestedLocale, redirectToSlug: draft.redirectToSlug, isPreview: true };
    return this.delivery.article(lookup);
  }

  /** The draft in the asked locale, else in the fallback locale, when the token covers it. */
  private async draft(
    lookup: ArticleLookup,
    requestedLocale: string,
    scope: PreviewScope,
  ): Promise<{ article: PublishedArticle; redirectToSlug: string | null } | null> {
    if (!lookup.slug === !lookup.id) return null;
    const fallback = this.locales.fallback;
    const candidates = fallback && fallback !== requestedLocale ? [requestedLocale, fallback] : [requestedLocale];
    const slug = lookup.slug?.trim().normalize('NFKC').toLowerCase();
    for (const locale of candidates) {
      const found = slug ? await this.drafts.findDraftBySlug(locale, slug) : await this.drafts.findDraft(lookup.id!, locale);
      if (found && isInPreviewScope(scope, found)) return { article: found, redirectToSlug: slug && found.slug !== slug ? found.slug : null };
    }
    return null;
  }
}
