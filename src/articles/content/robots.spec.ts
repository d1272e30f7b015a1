import { articleRobots, categoryRobots } from './robots';

describe('articleRobots', () => {
  it.each([
    [{ robots: null, isInternal: false, isDeleted: false }, 'index,follow'],
    [{ robots: 'noindex,follow', isInternal: false, isDeleted: false }, 'noindex,follow'],
    [{ robots: 'index,follow', isInternal: true, isDeleted: false }, 'noindex,nofollow'],
    [{ robots: null, isInternal: false, isDeleted: true }, 'noindex,nofollow'],
  ])('%j → %s', (article, expected) => {
    expect(articleRobots(article)).toBe(expected);
  });
});

describe('categoryRobots', () => {
  it.each([
    [{ robots: null, publishedArticles: 3 }, 'index,follow'],
    [{ robots: null, publishedArticles: 0 }, 'noindex,follow'],
    [{ robots: 'index,nofollow', publishedArticles: 0 }, 'noindex,nofollow'],
    [{ robots: 'noindex,nofollow', publishedArticles: 0 }, 'noindex,nofollow'],
    [{ robots: 'noindex,follow', publishedArticles: 9 }, 'noindex,follow'],
  ])('%j → %s', (category, expected) => {
    expect(categoryRobots(category)).toBe(expected);
  });
});
