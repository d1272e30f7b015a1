import { FieldNode, getNamedType, GraphQLObjectType, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { MAX_PAGE_SIZE } from '../../common/graphql/query-limits';
import type { ThreadHead } from '../forum-reading.service';
import type { Thread } from './forum.model';


interface AttachedHead {
  /** Page size of the replies it holds; null: none (only the question and the accepted answer). */
  repliesSize: number | null;
  head: ThreadHead;
}

/** Heads by thread object (a WeakMap rather than a hidden property on each thread: cheaper per request). */
const HEADS = new WeakMap<Thread, AttachedHead>();

/**
 * What of a thread page the `thread` query's selection asks for, so its posts can be read with the thread in one
 * statement (ForumReadingService.threadPage) rather than one or two per field: null when none of `question`,
 * `acceptedAnswer`, `posts` is selected. `repliesSize` is the page size when `posts` is selected exactly once as a
 * first page forwards (no cursor, no `last`/`before`, a valid `first`); any other `posts` runs its own statement.
 */
export function threadHeadPlan(info: GraphQLResolveInfo): { repliesSize: number | null } | null {
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
  return { repliesSize: posts.length === 1 ? firstPageSize(info, posts[0]) : null };
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

/** Gives the thread the head of its page, read with it (the `question`, `acceptedAnswer` and `posts` resolvers use it). */
export function attachThreadHead(thread: Thread, repliesSize: number | null, head: ThreadHead): void {
  HEADS.set(thread, { repliesSize, head });
}

export function threadHead(thread: Thread): AttachedHead | undefined {
  return HEADS.get(thread);
}
