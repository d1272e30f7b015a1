import { articleClusterSimilarity } from './article-similarity';

const CLUSTER = [
  { title: 'How do I reset two-factor authentication?', question: 'I lost my phone with the authenticator app and cannot log in.' },
  { title: 'Reset two-factor authentication after losing my phone', question: 'The authenticator app was on the phone I lost.' },
  { title: 'Lost phone, need to reset 2FA', question: 'Cannot log in without the authenticator app; how to reset two-factor authentication?' },
];

describe('articleClusterSimilarity', () => {
  // IDF as over a forum where "phone" and "log" are common and the rest rare.
  const idf = (term: string): number => (['phone', 'log'].includes(term) ? 0.5 : 2);
  const answer = {
    title: 'Resetting two-factor authentication',
    body: 'If you lost the phone with your authenticator app you cannot log in with a code; ask an admin to reset two-factor authentication.',
  };
  it('ranks the article about the questions far above one about something else, within 0–1', () => {
    const high = articleClusterSimilarity(CLUSTER, answer, idf);
    const other = articleClusterSimilarity(CLUSTER, { title: 'Exporting invoices', body: 'Open Billing and Export a CSV file of your phone invoices.' }, idf);
    expect(high).toBeGreaterThan(0.45);
    expect(high).toBeLessThanOrEqual(1);
    expect(other).toBeLessThan(0.1);
  });

  it('drops for an article that is mostly about something else (unlike a coverage of the words)', () => {
    const diluted = { title: 'Account settings', body: `${answer.body} ${'Change your avatar, display name, language, time zone and email notifications. '.repeat(5)}` };
    expect(articleClusterSimilarity(CLUSTER, diluted, idf)).toBeLessThan(articleClusterSimilarity(CLUSTER, answer, idf));
    expect(articleClusterSimilarity([], answer, idf)).toBe(0);
  });
});
