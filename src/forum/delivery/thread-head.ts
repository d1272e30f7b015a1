import { FieldNode, getNamedType, GraphQLObjectType, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { MAX_PAGE_SIZE } from '../../common/graphql/query-limits';

/** What a `thread` selection asks of the page: whether any of its posts, and the one `posts` field if it is selected once. */
interface HeadShape {
  posts: FieldNode | null;
  /** The page size when it does not depend on the variables; undefined: computed per request. */
  size: number | null | undefined;
  /** Whether `bodyMarkdown` is selected anywhere under the thread (else the posts are read without it). */
  withMarkdown: boolean;
}

/** Shapes by the `thread` field's node (documents are parsed once and kept by Mercurius, their nodes with them). */
const SHAPES = new WeakMap<FieldNode, HeadShape | null>();

/**
 * What of a thread page the `thread` query's selection asks for, so its posts can be read with the thread in one
 * statement (ForumReadingService.threadPage) rather than one or two per field: null when none of `question`,
 * `acceptedAnswer`, `posts` is selected. `repliesSize` is the page size when `posts` is selected exactly once as a
 * first page forwards (no cursor, no `last`/`before`, a valid `first`); any other `posts` runs its own statement.
 * `withMarkdown`: whether the posts must be read with their Markdown (`bodyMarkdown` selected anywhere under the thread).
 * The selection's part is worked out once per document (the arguments' values again only when they are variables).
 */
export function threadHeadPlan(info: GraphQLResolveInfo): { repliesSize: number | null; withMarkdown: boolean } | null {
  const cacheable = info.fieldNodes.length === 1;
  let shape = cacheable ? SHAPES.get(info.fieldNodes[0]) : undefined;
  if (shape === undefined) {
    shape = headShape(info);
    if (cacheable) SHAPES.set(info.fieldNodes[0], shape);
  }
  if (!shape) return null;
  if (!shape.posts) return { repliesSize: null, withMarkdown: shape.withMarkdown };
  return { repliesSize: shape.size !== undefined ? shape.size : firstPageSize(info, shape.posts), withMarkdown: shape.withMarkdown };
}

function headShape(info: GraphQLResolveInfo): HeadShape | null {
  const fields = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        fields.set(name, [...(fields.get(name) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        collect(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) collect(node.selectionSet);
  const posts = fields.get('posts') ?? [];
  if (!fields.has('question') && !fields.has('acceptedAnswer') && posts.length === 0) return null;
  const withMarkdown = selectsAnywhere(info, info.fieldNodes, 'bodyMarkdown');
  if (posts.length !== 1) return { posts: null, size: null, withMarkdown };
  const usesVariables = (posts[0].arguments ?? []).some((argument) => argument.value.kind !== Kind.INT && argument.value.kind !== Kind.NULL && argument.value.kind !== Kind.STRING);
  return { posts: posts[0], size: usesVariables ? undefined : firstPageSize(info, posts[0]), withMarkdown };
}

/** Whether a field of this name is selected at any depth under the nodes (through fragments too). */
function selectsAnywhere(info: GraphQLResolveInfo, nodes: readonly FieldNode[], name: string): boolean {
  const seen = new Set<string>();
  const search = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name || search(selection.selectionSet);
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return search(info.fragments[selection.name.value]?.selectionSet);
    });
  return nodes.some((node) => search(node.selectionSet));
}

function firstPageSize(info: GraphQLResolveInfo, node: FieldNode): number | null {
  const type = getNamedType(info.returnType);
  const field = type instanceof GraphQLObjectType ? type.getFields().posts : undefined;
  if (!field) return null;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, node, info.variableValues);
  } catch {
    return null; // the field's own resolution reports it
  }
  if (args.after != null || args.last != null || args.before != null) return null;
  const size = args.first ?? 20;
  return typeof size === 'number' && Number.isInteger(size) && size >= 1 && size <= MAX_PAGE_SIZE ? size : null;
}
