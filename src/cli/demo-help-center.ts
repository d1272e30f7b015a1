import { INestApplicationContext, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArticlesService } from '../articles/articles.service';
import { CategoriesService } from '../articles/categories.service';
import { CategoryEntity } from '../articles/entities/category.entity';
import { FeedbackService } from '../articles/feedback.service';
import { PublishingService } from '../articles/publishing.service';
import { AuthUser, sessionUser } from '../auth/auth-user';
import { ChangeKind } from '../products/entities/release-change.entity';
import { ReleaseSource } from '../products/entities/release.entity';
import { ProductsService } from '../products/products.service';
import { UserEntity } from '../users/entities/user.entity';
import { DEMO_ARTICLES, DEMO_CATEGORIES, DEMO_PRODUCTS, demoBody, demoTranslationBody, DemoArticle } from './demo-content';

const DAY_MS = 86_400_000;

export interface HelpCenterSeedResult {
  created: boolean;
  articles: number;
}

function asAuthor(user: UserEntity): AuthUser {
  return sessionUser(user);
}

/**
 * Seeds the demo help center through the real services (so HTML, slugs and workflow rules apply), only
 * into an empty knowledge base: running it again changes nothing.
 */
export async function seedHelpCenter(app: INestApplicationContext, editor: UserEntity, reviewer: UserEntity, now = new Date()): Promise<HelpCenterSeedResult> {
  const dataSource = app.get(DataSource);
  if ((await dataSource.getRepository(CategoryEntity).count()) > 0) return { created: false, articles: 0 };
  const logger = new Logger('DemoSeed');
  const categories = app.get(CategoriesService);
  const articles = app.get(ArticlesService);
  const publishing = app.get(PublishingService);
  const feedback = app.get(FeedbackService);
  const author = asAuthor(editor);
  const secondAuthor = asAuthor(reviewer);
  // The reviewer (an admin) publishes: the demo seeds with REQUIRE_SEPARATE_APPROVER on or off.
  const publisher = secondAuthor;

  const productIds = await seedProducts(app.get(ProductsService), now);
  const categoryIds = new Map<string, string>();
  for (const category of DEMO_CATEGORIES) {
    const created = await categories.create({
      parentId: category.parent ? categoryIds.get(category.parent) : null,
      reviewIntervalDays: category.reviewIntervalDays ?? null,
      translations: Object.entries(category.names).map(([locale, name]) => ({ locale, name, description: locale === 'en' ? category.description : '' })),
    });
    categoryIds.set(category.key, created.id);
  }

  let count = 0;
  for (const [index, demo] of DEMO_ARTICLES.entries()) {
    const publishedAt = new Date(now.getTime() - (120 - index) * DAY_MS);
    const { article, revision: first } = await articles.create(index % 3 === 0 ? secondAuthor : author, {
      categoryId: categoryIds.get(demo.category)!,
      locale: 'en',
      title: demo.title,
      bodyMarkdown: demoBody(demo, 1),
      productIds: demo.products.map((key) => productIds.get(key)!),
      featureKeys: demo.featureKeys,
      tags: demo.tags,
      isInternal: demo.isInternal ?? false,
      changeNote: 'First version',
    });
    let head = first;
    const revisions = 1 + (index % 3);
    for (let number = 2; number <= revisions; number += 1) {
      head = (await articles.saveDraft(author, { articleId: article.id, locale: 'en', baseRevisionNumber: number - 1, title: demo.title, bodyMarkdown: demoBody(demo, number), changeNote: `Revision ${number}` })).revision;
    }
    const role = index % 12;
    if (role === 1) {
      // A draft nobody has published yet.
    } else if (role === 5) {
      await publishing.requestReview(author, { articleId: article.id, locale: 'en', revisionNumber: head.number }, reviewer.id);
    } else if (role === 9) {
      await publishing.publish(publisher, { articleId: article.id, revisionId: head.id, publishAt: new Date(now.getTime() + (3 + index) * DAY_MS) }, now);
    } else {
      // Every seventh article was last reviewed long ago: overdue for review.
      const reviewedAt = index % 7 === 0 ? new Date(now.getTime() - 400 * DAY_MS) : publishedAt;
      await publishing.publish(publisher, { articleId: article.id, revisionId: head.id }, reviewedAt);
      await seedTranslations(articles, publishing, author, publisher, article.id, demo, reviewedAt);
      if (index % 4 === 0) {
        // A newer source version published after the translations: they are now outdated.
        const next = await articles.saveDraft(author, { articleId: article.id, locale: 'en', baseRevisionNumber: head.number, title: demo.title, bodyMarkdown: `${demoBody(demo, 3)}\nUpdated for the latest release.\n`, changeNote: 'Updated for the latest release' });
        await publishing.publish(publisher, { articleId: article.id, revisionId: next.revision.id }, new Date(reviewedAt.getTime() + DAY_MS));
      }
      if (index % 5 === 0) {
        await articles.saveDraft(author, { articleId: article.id, locale: 'en', baseRevisionNumber: index % 4 === 0 ? head.number + 1 : head.number, title: `${demo.title} (draft)`, bodyMarkdown: `${demoBody(demo, 3)}\nWork in progress.\n`, changeNote: 'Work in progress' });
      }
      if (!demo.isInternal) await seedFeedback(feedback, article.id, index, now);
    }
    count += 1;
  }
  logger.log(`Seeded the demo help center: ${DEMO_PRODUCTS.length} products, ${DEMO_CATEGORIES.length} categories, ${count} articles`);
  return { created: true, articles: count };
}

async function seedProducts(products: ProductsService, now: Date): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const product of DEMO_PRODUCTS) {
    const saved = await products.createProduct({ key: product.key, name: product.name });
    ids.set(product.key, saved.id);
    for (const release of product.releases) {
      await products.recordRelease({
        product: { id: saved.id },
        source: ReleaseSource.Admin,
        recordedBy: null,
        version: release.version,
        releasedAt: new Date(now.getTime() - release.daysAgo * DAY_MS),
        notesMarkdown: release.notes,
        changes: release.changes.map((change) => ({ kind: change.kind as ChangeKind, summary: change.summary, featureKeys: change.featureKeys })),
      });
    }
  }
  return ids;
}

async function seedTranslations(articles: ArticlesService, publishing: PublishingService, author: AuthUser, publisher: AuthUser, articleId: string, demo: DemoArticle, at: Date): Promise<void> {
  for (const [locale, title] of Object.entries(demo.translations ?? {})) {
    const { revision } = await articles.saveDraft(author, { articleId, locale, baseRevisionNumber: 0, title, bodyMarkdown: demoTranslationBody(title, locale), changeNote: 'Translation' });
    await publishing.publish(publisher, { articleId, revisionId: revision.id }, new Date(at.getTime() + 3_600_000));
  }
}

async function seedFeedback(feedback: FeedbackService, articleId: string, index: number, now: Date): Promise<void> {
  const votes = 2 + (index % 5);
  for (let vote = 0; vote < votes; vote += 1) {
    const helpful = (vote + index) % 4 !== 0;
    await feedback.submit(
      { articleId, locale: 'en', isHelpful: helpful, comment: helpful ? null : 'The steps do not match what I see.' },
      { memberId: null, ip: `198.51.100.${vote}`, userAgent: `demo-reader-${vote}` },
      now,
    );
  }
}
