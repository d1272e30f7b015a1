import { articleThePeoplePointAt, ClusterThread, DEFAULT_RECURRING_RULE_OPTIONS, draftOutline, firstSentence, recurringQuestionRule } from './recurring-question-rule';

const day = (n: number) => new Date(Date.UTC(2026, 0, n));
const thread = (id: string, author: string | null, p: Partial<ClusterThread> = {}): ClusterThread => ({
  sourceId: id,
  title: `Question ${id}`,
  authorId: author,
  createdAt: day(10),
  acceptedAnswer: null,
  linkedArticleIds: [],
  citedArticleIds: [],
  ...p,
});
const options = { ...DEFAULT_RECURRING_RULE_OPTIONS, windowStart: day(1) };

describe('recurringQuestionRule', () => {
  it('needs N distinct askers in the window (the same asker twice counts once; old threads are ignored)', () => {
    const threads = [thread('1', 'ann'), thread('2', 'ann'), thread('3', 'bob'), thread('4', 'cat', { createdAt: new Date(Date.UTC(2025, 11, 1)) })];
    expect(recurringQuestionRule(threads, [], [], options)).toEqual({ kind: 'none', reason: 'too-few-askers', askers: 2, minAskers: 3 });
    expect(recurringQuestionRule(threads, [], [], { ...options, minAskers: 2 }).kind).toBe('content-gap');
  });

  it('counts threads without a known author as separate askers', () => {
    expect(recurringQuestionRule([thread('1', null), thread('2', null), thread('3', 'bob')], [], [], options).kind).not.toBe('none');
  });

  it('flags the article the threads link to or the accepted answers cite, with the threads as evidence', () => {
    const threads = [
      thread('1', 'ann', { linkedArticleIds: ['art-a'] }),
      thread('2', 'bob', { citedArticleIds: ['art-b'] }),
      thread('3', 'cat', { createdAt: day(5) }),
    ];
    const finding = recurringQuestionRule(threads, [], [], options);
    expect(finding).toMatchObject({ kind: 'article', articleId: 'art-b', askers: 3, threads: ['3', '1', '2'] });
  });

  it('flags a highly similar article even without links, but not a weakly similar one', () => {
    const threads = [thread('1', 'ann'), thread('2', 'bob'), thread('3', 'cat')];
    expect(recurringQuestionRule(threads, [{ articleId: 'art-c', similarity: 0.5 }], [], options)).toMatchObject({ kind: 'article', articleId: 'art-c' });
    expect(recurringQuestionRule(threads, [{ articleId: 'art-c', similarity: 0.1 }], ['wifi'], options).kind).toBe('content-gap');
  });

  it('suggests a content gap with common terms and an outline from the accepted answers', () => {
    const threads = [
      thread('1', 'ann', { title: 'Wifi drops after suspend', acceptedAnswer: 'Reload the driver with modprobe. Then it works.' }),
      thread('2', 'bob', { title: 'Wireless gone after resume', acceptedAnswer: 'Reload the driver with modprobe. Worked for me' }),
      thread('3', 'cat', { title: 'wifi drops after suspend' }),
    ];
    const finding = recurringQuestionRule(threads, [], ['wifi', 'suspend'], options);
    expect(finding.kind).toBe('content-gap');
    if (finding.kind !== 'content-gap') return;
    expect(finding.commonTerms).toEqual(['wifi', 'suspend']);
    expect(finding.outline.title).toBe('Wifi drops after suspend');
    expect(finding.outline.sections[0]).toEqual({ heading: 'What people ask', points: ['Wifi drops after suspend', 'Wireless gone after resume'] });
    expect(finding.outline.sections[1].points).toEqual(['Reload the driver with modprobe.']);
  });
});

describe('articleThePeoplePointAt', () => {
  it('ranks citations above links, then similarity; nothing without support', () => {
    const t = [thread('1', 'a', { linkedArticleIds: ['x', 'x'] }), thread('2', 'b', { linkedArticleIds: ['x'], citedArticleIds: ['y'] })];
    expect(articleThePeoplePointAt(t, [], 0.35)).toMatchObject({ articleId: 'x', linkingThreads: 2, citingAnswers: 0 });
    expect(articleThePeoplePointAt([thread('1', 'a')], [{ articleId: 'z', similarity: 0.2 }], 0.35)).toBeNull();
  });
});

describe('outline helpers', () => {
  it('cuts an answer to its first sentence', () => {
    expect(firstSentence('\n\nRun sudo apt update. Then reboot.')).toBe('Run sudo apt update.');
    expect(firstSentence('x'.repeat(300)).length).toBe(160);
  });

  it('never cuts an emoji in half where the bullet is cut (a lone surrogate fails the gap\'s JSONB evidence)', () => {
    const cut = firstSentence(`${'x'.repeat(158)}${'🔑'.repeat(5)} done.`);
    expect(cut).toBe(`${'x'.repeat(158)}…`);
    expect(firstSentence(`${'x'.repeat(157)}${'🔑'.repeat(5)} done.`)).toBe(`${'x'.repeat(157)}🔑…`);
  });

  it('leaves out the answers section when no thread has an accepted answer', () => {
    expect(draftOutline([thread('1', 'a')], [], 5).sections.map((s) => s.heading)).toEqual(['What people ask']);
  });
});
