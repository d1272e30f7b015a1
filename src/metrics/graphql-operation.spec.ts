import { ANONYMOUS_OPERATION, BoundedLabels, OTHER_OPERATION, operationNameOf } from './graphql-operation';

describe('operationNameOf', () => {
  it.each([
    [{ query: 'query ArticlePage($slug: String!) { article(slug: $slug) { id } }' }, 'ArticlePage'],
    [{ query: '  mutation Vote { vote }' }, 'Vote'],
    [{ query: '# a comment\nquery Commented { x }' }, 'Commented'],
    [{ query: '{ categories { id } }' }, ANONYMOUS_OPERATION],
    [{ query: 'query { x }' }, ANONYMOUS_OPERATION],
    [{ query: '{ x }', operationName: 'Given' }, 'Given'],
    [{ query: '{ x }', operationName: 'not valid!' }, OTHER_OPERATION],
    [{ query: 1 }, ANONYMOUS_OPERATION],
    [null, ANONYMOUS_OPERATION],
    ['text', ANONYMOUS_OPERATION],
  ])('%j → %s', (body, name) => {
    expect(operationNameOf(body)).toBe(name);
  });
});

describe('BoundedLabels', () => {
  it('keeps the first names and folds the rest into (other)', () => {
    const labels = new BoundedLabels(2);
    expect(['a', 'b', 'c', 'a', 'd'].map((name) => labels.label(name))).toEqual(['a', 'b', OTHER_OPERATION, 'a', OTHER_OPERATION]);
  });
});
