import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';
import type { ArticleParts } from './published-articles.repository';

/**
 * Whether the current field's selection asks for `name` directly under it (through fragments too), so a
 * resolver can skip work nobody reads. Conservative: a field under @skip/@include counts as asked for.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  return selectsPath(info, [name]);
}

/**
 * Whether the current field's selection reaches `path` (field names, e.g. `edges`, `node`, `authorName`),
 * through fragments and aliases too. Conservative like selectsField.
 */
export function selectsPath(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  // The answer depends only on the parsed document, and every request with the same query text shares it.
  const node = info.fieldNodes[0];
  const key = path.join('.');
  let known = answers.get(node);
  const cached = known?.get(key);
  if (cached !== undefined) return cached;
  const answer = walk(info, path);
  if (!known) answers.set(node, (known = new Map()));
  known.set(key, answer);
  return answer;
}

/** Answers per field node of a parsed document (dropped with the document). */
const answers = new WeakMap<FieldNode, Map<string, boolean>>();

function walk(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  // A fragment's answer depends only on the depth it is spread at; a second visit adds nothing.
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined, depth: number): boolean =>
    !!set &&
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== path[depth]) return false;
        return depth === path.length - 1 || inSet(selection.selectionSet, depth + 1);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return inSet(selection.selectionSet, depth);
      const key = `${selection.name.value}@${depth}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return inSet(info.fragments[selection.name.value]?.selectionSet, depth);
    });
  return info.fieldNodes.some((node: FieldNode) => inSet(node.selectionSet, 0));
}

/**
 * The fields of `Article` that read each optional part of a published article (ArticleParts); a field resolver
 * on Article that reads one of them (like `assets`, which reads the Markdown) must be listed here.
 */
const ARTICLE_PART_FIELDS: Record<keyof ArticleParts, readonly (readonly string[])[]> = {
  markdown: [['bodyMarkdown'], ['assets']],
  products: [['products']],
  outline: [['headings']],
  author: [['authorName']],
  labels: [['tags'], ['jsonLd'], ['seo', 'robots']],
};

const partsByNode = new WeakMap<FieldNode, ArticleParts>();

/** The parts of an article the current `article` field's selection shows (per parsed document, fragments and aliases included). */
export function articlePartsOf(info: GraphQLResolveInfo): ArticleParts {
  const node = info.fieldNodes[0];
  let parts = partsByNode.get(node);
  if (!parts) {
    const shows = (paths: readonly (readonly string[])[]) => paths.some((path) => selectsPath(info, path));
    parts = Object.freeze({
      markdown: shows(ARTICLE_PART_FIELDS.markdown),
      products: shows(ARTICLE_PART_FIELDS.products),
      outline: shows(ARTICLE_PART_FIELDS.outline),
      author: shows(ARTICLE_PART_FIELDS.author),
      labels: shows(ARTICLE_PART_FIELDS.labels),
    });
    partsByNode.set(node, parts);
  }
  return parts;
}
