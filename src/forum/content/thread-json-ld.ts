export interface JsonLdPost {
  text: string;
  authorName: string;
  createdAt: Date;
  upvoteCount: number;
  url: string;
}

export interface JsonLdThread {
  title: string;
  url: string;
  question: JsonLdPost;
  answerCount: number;
  acceptedAnswer: JsonLdPost | null;
  /** Other visible answers shown on the page (best first). */
  suggestedAnswers: JsonLdPost[];
}

const MAX_TEXT = 5000;

/**
 * schema.org `QAPage` of a thread (Google's Q&A structured data): the question, the accepted and the suggested answers.
 * Null for a thread without an answer: Google requires an `acceptedAnswer` or a `suggestedAnswer` on the question, and
 * a QAPage without either is reported as invalid markup. `datePublished` is the date Google reads; `dateCreated` stays.
 */
export function threadJsonLd(thread: JsonLdThread): Record<string, unknown> | null {
  if (!thread.acceptedAnswer && thread.suggestedAnswers.length === 0) return null;
  return {
    '@context': 'https://schema.org',
    '@type': 'QAPage',
    mainEntity: {
      '@type': 'Question',
      name: thread.title,
      text: clip(thread.question.text) || thread.title,
      answerCount: thread.answerCount,
      upvoteCount: thread.question.upvoteCount,
      datePublished: thread.question.createdAt.toISOString(),
      dateCreated: thread.question.createdAt.toISOString(),
      author: person(thread.question.authorName),
      url: thread.url,
      ...(thread.acceptedAnswer ? { acceptedAnswer: answer(thread.acceptedAnswer) } : {}),
      ...(thread.suggestedAnswers.length > 0 ? { suggestedAnswer: thread.suggestedAnswers.map(answer) } : {}),
    },
  };
}

function answer(post: JsonLdPost): Record<string, unknown> {
  return {
    '@type': 'Answer',
    text: clip(post.text),
    datePublished: post.createdAt.toISOString(),
    dateCreated: post.createdAt.toISOString(),
    upvoteCount: post.upvoteCount,
    url: post.url,
    author: person(post.authorName),
  };
}

function person(name: string): Record<string, unknown> {
  return { '@type': 'Person', name };
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
