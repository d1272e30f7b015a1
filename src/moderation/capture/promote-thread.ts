/** What an article drafted from a solved thread is made of. */
export interface ThreadForArticle {
  title: string;
  questionMarkdown: string;
  answerMarkdown: string;
  answerAuthorName: string | null;
  threadUrl: string;
}

/**
 * The draft article of a solved thread: the question's title, the question as the introduction, the
 * accepted answer as the body, credit to the answer's author and a link back to the thread. Editors
 * rewrite from there; nothing is published without them.
 */
export function draftFromThread(thread: ThreadForArticle): { title: string; bodyMarkdown: string; changeNote: string } {
  const credit = answerCredit(thread.answerAuthorName);
  const bodyMarkdown = [
    thread.questionMarkdown.trim(),
    '',
    '## Answer',
    '',
    thread.answerMarkdown.trim(),
    '',
    '---',
    '',
    `*From the community thread [${escapeMarkdown(thread.title)}](${thread.threadUrl}), ${credit}.*`,
    '',
  ].join('\n');
  return { title: thread.title.slice(0, 200), bodyMarkdown, changeNote: `Promoted from the community thread ${thread.threadUrl}` };
}

/** The credit line's words for the answer's author (Markdown); without a name, a former member's. */
export function answerCredit(authorName: string | null): string {
  return authorName ? `answered by ${escapeMarkdown(authorName)}` : 'answered by a former member';
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()<>#!|]/g, '\\$&');
}
