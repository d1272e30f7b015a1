import { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, Kind, OperationDefinitionNode, parse } from 'graphql';
import { selectsField, selectsPath } from './field-selection';

/** The parts of GraphQLResolveInfo selectsField reads, for the first root field of `query`. */
function infoOf(query: string): GraphQLResolveInfo {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments } as unknown as GraphQLResolveInfo;
}

describe('selectsField', () => {
  it('finds a field asked for directly, in an inline fragment or in a named fragment', () => {
    expect(selectsField(infoOf('{ articles { totalCount edges { cursor } } }'), 'totalCount')).toBe(true);
    expect(selectsField(infoOf('{ articles { ... on ArticleSummaryConnection { totalCount } } }'), 'totalCount')).toBe(true);
    expect(selectsField(infoOf('{ articles { ...Page } } fragment Page on ArticleSummaryConnection { ...Count } fragment Count on ArticleSummaryConnection { n: totalCount }'), 'totalCount')).toBe(true);
  });

  it('does not find a field that is not asked for, or only deeper down', () => {
    expect(selectsField(infoOf('{ articles { edges { cursor } } }'), 'totalCount')).toBe(false);
    expect(selectsField(infoOf('{ articles { edges { node { totalCount } } } }'), 'totalCount')).toBe(false);
    expect(selectsField(infoOf('{ articles { ...Page ...Page } } fragment Page on ArticleSummaryConnection { pageInfo { hasNextPage } }'), 'totalCount')).toBe(false);
  });

  it('follows a path through fields, aliases and fragments at any depth', () => {
    const path = ['edges', 'node', 'authorName'];
    expect(selectsPath(infoOf('{ articles { edges { node { authorName } } } }'), path)).toBe(true);
    expect(selectsPath(infoOf('{ articles { e: edges { n: node { a: authorName } } } }'), path)).toBe(true);
    expect(selectsPath(infoOf('{ articles { edges { ...Edge } } } fragment Edge on ArticleSummaryEdge { node { ... on ArticleSummary { ...Item } } } fragment Item on ArticleSummary { authorName }'), path)).toBe(true);
    expect(selectsPath(infoOf('{ articles { edges { node { id } ...Edge } } } fragment Edge on ArticleSummaryEdge { node { authorName } }'), path)).toBe(true);
  });

  it('does not follow a path that stops short or branches elsewhere', () => {
    const path = ['edges', 'node', 'authorName'];
    expect(selectsPath(infoOf('{ articles { edges { node { id title } } } }'), path)).toBe(false);
    expect(selectsPath(infoOf('{ articles { authorName edges { cursor } } }'), path)).toBe(false);
    expect(selectsPath(infoOf('{ articles { edges { ...E } pageInfo { ...E } } } fragment E on ArticleSummaryEdge { cursor }'), path)).toBe(false);
  });
});
