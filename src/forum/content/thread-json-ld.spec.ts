import { jsonLdString } from '../../common/json-ld';
import { threadJsonLd } from './thread-json-ld';

const post = (text: string, authorName: string, upvoteCount = 0) => ({
  text,
  authorName,
  createdAt: new Date('2026-11-01T10:00:00Z'),
  upvoteCount,
  url: 'https://help.example.com/en/community/pdf-invoices#p',
});

describe('threadJsonLd', () => {
  it('describes a solved thread as a QAPage with its accepted and suggested answers', () => {
    const ld = threadJsonLd({
      title: 'How do I download PDF invoices?',
      url: 'https://help.example.com/en/community/pdf-invoices',
      question: post('Where are the invoices?', 'Ann', 3),
      answerCount: 2,
      acceptedAnswer: post('Billing → Invoices → Download.', 'Bob', 5),
      suggestedAnswers: [post('Ask support.', 'Cy')],
    });
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'QAPage',
      mainEntity: {
        '@type': 'Question',
        name: 'How do I download PDF invoices?',
        text: 'Where are the invoices?',
        answerCount: 2,
        upvoteCount: 3,
        datePublished: '2026-11-01T10:00:00.000Z',
        dateCreated: '2026-11-01T10:00:00.000Z',
        author: { '@type': 'Person', name: 'Ann' },
        acceptedAnswer: { '@type': 'Answer', text: 'Billing → Invoices → Download.', upvoteCount: 5, author: { name: 'Bob' }, datePublished: '2026-11-01T10:00:00.000Z' },
        suggestedAnswer: [{ '@type': 'Answer', text: 'Ask support.', datePublished: '2026-11-01T10:00:00.000Z' }],
      },
    });
  });

  it('leaves out answers that do not exist', () => {
    const ld = threadJsonLd({ title: 'Q', url: 'u', question: post('', 'Ann'), answerCount: 1, acceptedAnswer: null, suggestedAnswers: [post('A', 'Bob')] });
    expect(ld?.mainEntity).not.toHaveProperty('acceptedAnswer');
    expect(ld?.mainEntity).toHaveProperty('suggestedAnswer');
    expect((ld?.mainEntity as { text: string }).text).toBe('Q');
  });

  it('is null for a question without an answer (Google requires acceptedAnswer or suggestedAnswer)', () => {
    expect(threadJsonLd({ title: 'Q', url: 'u', question: post('Why?', 'Ann'), answerCount: 0, acceptedAnswer: null, suggestedAnswers: [] })).toBeNull();
  });
});

describe('jsonLdString', () => {
  it('cannot close the script element it is pasted into', () => {
    const text = jsonLdString({ name: '</script><script>alert(1)</script> & more' });
    expect(text).not.toMatch(/[<>&]/);
    expect(JSON.parse(text)).toEqual({ name: '</script><script>alert(1)</script> & more' });
  });
});
