import { webhookEventTypeOf } from './change-webhooks';
import { CHANGE_EFFECTS, ChangeType, CONTENT_KINDS, ContentKind } from './content-changes';

describe('webhookEventTypeOf', () => {
  it.each([
    ['article', 'published', 'article.published'],
    ['article', 'rerendered', 'article.published'],
    ['article', 'unpublished', 'article.unpublished'],
    ['article', 'archived', 'article.unpublished'],
    ['article', 'slug-changed', 'article.slug_changed'],
    ['article', 'deleted', 'article.deleted'],
    ['article', 'purged', 'article.deleted'],
    ['category', 'created', 'category.changed'],
    ['category', 'updated', 'category.changed'],
    ['category', 'purged', 'category.changed'],
    ['thread', 'created', 'thread.created'],
    ['thread', 'solved', 'thread.solved'],
    ['thread', 'updated', 'thread.changed'],
    ['thread', 'unsolved', 'thread.changed'],
    ['thread', 'slug-changed', 'thread.changed'],
    ['thread', 'deleted', 'thread.changed'],
    ['thread', 'undeleted', 'thread.changed'],
    ['thread', 'purged', 'thread.changed'],
    ['post', 'created', 'post.changed'],
    ['post', 'updated', 'post.changed'],
    ['post', 'deleted', 'post.changed'],
    ['post', 'undeleted', 'post.changed'],
    ['post', 'purged', 'post.changed'],
    ['thread', 'rerendered', 'thread.changed'],
    ['post', 'rerendered', 'post.changed'],
  ] as const)('%s %s is %s', (kind, change, type) => {
    expect(webhookEventTypeOf(kind, change)).toBe(type);
  });

  it('announces nothing else: staff-only steps, held threads and posts, boards, products', () => {
    const announced = new Set(['article/published', 'article/rerendered', 'article/unpublished', 'article/archived', 'article/slug-changed', 'article/deleted', 'article/purged',
      'category/created', 'category/updated', 'category/purged', 'thread/created', 'thread/solved',
      ...['updated', 'unsolved', 'slug-changed', 'deleted', 'undeleted', 'purged', 'rerendered'].map((change) => `thread/${change}`),
      ...['created', 'updated', 'deleted', 'undeleted', 'purged', 'rerendered'].map((change) => `post/${change}`)]);
    for (const kind of Object.keys(CONTENT_KINDS) as ContentKind[]) {
      for (const change of Object.keys(CHANGE_EFFECTS) as ChangeType[]) {
        if (!announced.has(`${kind}/${change}`)) expect([kind, change, webhookEventTypeOf(kind, change)]).toEqual([kind, change, null]);
      }
    }
  });
});
