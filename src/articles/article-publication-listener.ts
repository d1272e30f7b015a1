import { EntityManager } from 'typeorm';

/** A locale of an article that has just become public, in the publishing transaction. */
export interface ArticlePublication {
  articleId: string;
  locale: string;
  /** True the first time this locale is published (not a republication of a later revision). */
  isFirstPublication: boolean;
  /** The editor who published, or null for a scheduled publication. */
  publishedBy: string | null;
}

/**
 * The port through which publishing tells a higher module that an article went public (knowledge capture
 * credits the answer an article was drafted from). Declared here, implemented by the moderation module
 * (src/moderation/capture/knowledge-capture.service.ts), so articles do not depend on moderation. Optional:
 * without a provider nothing is told.
 */
export interface ArticlePublicationListener {
  /** Runs inside the publishing transaction: what it writes commits or rolls back with the publication. */
  articlePublished(tx: EntityManager, publication: ArticlePublication): Promise<void>;
}

export const ARTICLE_PUBLICATION_LISTENER = Symbol('ArticlePublicationListener');
