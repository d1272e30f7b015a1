/**
 * Pure helpers of the recurring-questions scan step (StalenessScanService.scanRecurringQuestions): article
 * links in forum posts, the outline as markdown, the severity of a flag.
 */
import type { DraftOutline } from './recurring-question-rule';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Article slugs linked from a post's markdown, through the site's article path (SITE_ARTICLE_PATH, e.g.
 * `/{locale}/articles/{slug}`): absolute or relative links both count. Distinct, in order of appearance.
 */
export function articleSlugsIn(markdown: string, articlePath: string): string[] {
  const pattern = escapeRegExp(articlePath)
    .replace(escapeRegExp('{locale}'), '[A-Za-z0-9-]+')
    .replace(escapeRegExp('{slug}'), '([^/\\s?#)"\'<>\\]]+)');
  const slugs = new Set<string>();
  for (const match of markdown.matchAll(new RegExp(pattern, 'g'))) {
    try {
      slugs.add(decodeURIComponent(match[1]).toLowerCase());
    } catch {
      slugs.add(match[1].toLowerCase());
    }
  }
  return [...slugs];
}

/** The draft outline of a content gap as markdown (stored in the gap's evidence). */
export function outlineMarkdown(outline: DraftOutline): string {
  const lines = [`# ${outline.title}`];
  for (const section of outline.sections) {
    lines.push('', `## ${section.heading}`, '');
    for (const point of section.points) lines.push(`- ${point}`);
  }
  return lines.join('\n');
}

/** A flag's severity: twice the minimum askers or more is high, else medium. */
export function recurringSeverity(askers: number, minAskers: number): 'medium' | 'high' {
  return askers >= 2 * minAskers ? 'high' : 'medium';
}
