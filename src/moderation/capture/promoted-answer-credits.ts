import { renderMarkdown } from '../../articles/content/render-markdown';
import { recordChange } from '../../changes/content-changes';
import type { PersonalDataSection } from '../../privacy/personal-data-sections';
import { answerCredit } from './promote-thread';

/** The credit as each stored column of a revision holds it (Markdown source, rendered HTML, plain text). */
function creditForms(name: string | null): { markdown: string; html: string; text: string } {
  const markdown = answerCredit(name);
  const rendered = renderMarkdown(markdown);
  return { markdown, html: rendered.html.trim().replace(/^<p>/, '').replace(/<\/p>$/, ''), text: rendered.plainText.trim() };
}

/**
 * A promoted thread's article credits the answer's author by name ("answered by …", `draftFromThread`). When that
 * member deletes their account the credit becomes the one of an author already gone, in every revision of the articles
 * promoted from threads they wrote in (decision 0035): the name was the member's, not the editors' text. Published
 * ones go through the change pipeline as re-rendered (search, caches, webhooks). A credit an editor rewrote by hand
 * is theirs to edit.
 */
export const PROMOTED_ANSWER_CREDITS: PersonalDataSection = {
  name: 'promotedAnswerCredits',
  erase: async (tx, userId) => {
    const [user]: { display_name: string }[] = await tx.query('SELECT display_name FROM users WHERE id = $1', [userId]);
    const from = creditForms(user.display_name);
    const to = creditForms(null);
    const changed: [{ id: string }[], number] = await tx.query(
      `UPDATE article_revisions r
       SET body_markdown = replace(r.body_markdown, $2, $3), body_html = replace(r.body_html, $4, $5), body_text = replace(r.body_text, $6, $7)
       WHERE r.article_id IN (SELECT tp.article_id FROM thread_promotions tp WHERE EXISTS (SELECT 1 FROM posts p WHERE p.thread_id = tp.thread_id AND p.author_id = $1))
         AND strpos(r.body_markdown, $2) > 0
       RETURNING r.id`,
      [userId, from.markdown, to.markdown, from.html, to.html, from.text, to.text],
    );
    const revisionIds = changed[0].map((row) => row.id);
    if (revisionIds.length === 0) return;
    const published: { article_id: string; locale: string }[] = await tx.query(
      `SELECT article_id, locale FROM article_locales WHERE published_revision_id = ANY($1::uuid[]) ORDER BY locale, article_id`,
      [revisionIds],
    );
    const byLocale = new Map<string, string[]>();
    for (const { article_id, locale } of published) byLocale.set(locale, [...(byLocale.get(locale) ?? []), article_id]);
    for (const [locale, ids] of byLocale) await recordChange(tx, { kind: 'article', change: 'rerendered', ids, locale });
  },
};
