import type { ContentGapEvidence } from './evidence';

export interface GapDraft {
  title: string;
  bodyMarkdown: string;
}

const MAX_TITLE = 200;

/**
 * The first draft of an article that fills a content gap: the gap's title, and a body from its evidence —
 * a recurring-questions gap gives its draft outline, the questions asked (thread titles) and the common
 * terms; a search gap gives the query and how often it failed. Editors rewrite it; it only saves typing.
 */
export function draftFromGap(gap: { title: string; evidence: ContentGapEvidence }): GapDraft {
  const title = gap.title.trim().slice(0, MAX_TITLE) || 'Untitled';
  const e = gap.evidence;
  const parts: string[] = [`# ${title}`];
  if (e.source === 'recurring_questions') {
    if (e.outline?.trim()) parts.push(e.outline.trim());
    if (e.threads.length > 0) {
      parts.push(['## Questions this answers', '', ...e.threads.map((t) => `- ${t.title} (thread ${t.threadId})`)].join('\n'));
    }
    if (e.commonTerms.length > 0) parts.push(`Common terms: ${e.commonTerms.join(', ')}`);
  } else {
    parts.push(
      [
        `Readers searched for "${e.query}" ${e.searches} times in ${e.windowDays} days`,
        `(${e.zeroResultSearches} found nothing, ${e.noClickSearches} were not clicked).`,
      ].join(' '),
    );
    parts.push('## Answer\n\n_To be written._');
  }
  return { title, bodyMarkdown: parts.join('\n\n') + '\n' };
}
