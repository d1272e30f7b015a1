import { registerEnumType } from '@nestjs/graphql';

export enum SearchKind {
  Article = 'article',
  Thread = 'thread',
}

export enum SearchFacet {
  Kind = 'kind',
  Category = 'category',
  Product = 'product',
  Tag = 'tag',
  Locale = 'locale',
}

registerEnumType(SearchKind, { name: 'SearchKind', description: 'What a search hit is: a help article or a forum thread' });
registerEnumType(SearchFacet, { name: 'SearchFacet' });
