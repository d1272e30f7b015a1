import { draftFromThread } from './promote-thread';

describe('draftFromThread', () => {
  const thread = {
    title: 'How do I export invoices?',
    questionMarkdown: 'I need my invoices as CSV.\n',
    answerMarkdown: 'Go to **Reports → Export**.',
    answerAuthorName: 'Ann [admin]',
    threadUrl: 'https://help.example.test/community/t/how-do-i-export-invoices',
  };

  it('takes the title and intro from the question, the body from the accepted answer, credits and links back', () => {
    const draft = draftFromThread(thread);
    expect(draft.title).toBe('How do I export invoices?');
    expect(draft.bodyMarkdown).toBe(
      'I need my invoices as CSV.\n\n## Answer\n\nGo to **Reports → Export**.\n\n---\n\n' +
        '*From the community thread [How do I export invoices?](https://help.example.test/community/t/how-do-i-export-invoices), answered by Ann \\[admin\\].*\n',
    );
    expect(draft.changeNote).toContain(thread.threadUrl);
  });

  it('credits a former member when the account is gone', () => {
    expect(draftFromThread({ ...thread, answerAuthorName: null }).bodyMarkdown).toContain('answered by a former member');
  });
});
