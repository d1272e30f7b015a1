import { diffRevisions, LineChange, RevisionText } from './diff-revisions';

function revision(number: number, bodyMarkdown: string, title = 'Reset your password'): RevisionText {
  return { number, title, bodyMarkdown };
}

function shape(body: LineChange[]): Array<[string, number | null, number | null]> {
  return body.map((line) => [line.kind, line.oldLineNumber, line.newLineNumber]);
}

describe('diffRevisions', () => {
  it('reports no changes between identical revisions', () => {
    const body = '# Reset\n\nOpen settings.\n';
    const diff = diffRevisions(revision(3, body), revision(4, body));

    expect(diff.fromNumber).toBe(3);
    expect(diff.toNumber).toBe(4);
    expect(diff.titleChanged).toBe(false);
    expect(diff.title).toEqual([{ kind: 'equal', text: 'Reset your password' }]);
    expect(diff.stats).toEqual({ linesAdded: 0, linesRemoved: 0, linesChanged: 0 });
    expect(diff.body.every((line) => line.kind === 'equal')).toBe(true);
    expect(diff.body[2]).toEqual({
      kind: 'equal',
      oldLineNumber: 3,
      newLineNumber: 3,
      oldText: 'Open settings.',
      newText: 'Open settings.',
      segments: [{ kind: 'equal', text: 'Open settings.' }],
    });
  });

  it('diffs the title word by word', () => {
    const diff = diffRevisions(revision(1, '', 'Reset password'), revision(2, '', 'Reset your password'));
    expect(diff.titleChanged).toBe(true);
    expect(diff.title).toEqual([
      { kind: 'equal', text: 'Reset ' },
      { kind: 'added', text: 'your ' },
      { kind: 'equal', text: 'password' },
    ]);
  });

  it('reports added and removed lines with 1-based line numbers and single segments', () => {
    const diff = diffRevisions(revision(1, 'one\ntwo\nthree'), revision(2, 'one\nthree\nfour'));

    expect(shape(diff.body)).toEqual([
      ['equal', 1, 1],
      ['removed', 2, null],
      ['equal', 3, 2],
      ['added', null, 3],
    ]);
    expect(diff.body[1]).toMatchObject({ oldText: 'two', newText: null, segments: [{ kind: 'removed', text: 'two' }] });
    expect(diff.body[3]).toMatchObject({ oldText: null, newText: 'four', segments: [{ kind: 'added', text: 'four' }] });
    expect(diff.stats).toEqual({ linesAdded: 1, linesRemoved: 1, linesChanged: 0 });
  });

  it('pairs a removed line followed by an added line into a changed line with word segments', () => {
    const diff = diffRevisions(
      revision(1, 'Intro\nClick Save to keep the draft.\nEnd'),
      revision(2, 'Intro\nClick Publish to keep the article.\nEnd'),
    );

    expect(shape(diff.body)).toEqual([
      ['equal', 1, 1],
      ['changed', 2, 2],
      ['equal', 3, 3],
    ]);
    expect(diff.body[1]).toMatchObject({
      oldText: 'Click Save to keep the draft.',
      newText: 'Click Publish to keep the article.',
      segments: [
        { kind: 'equal', text: 'Click ' },
        { kind: 'removed', text: 'Save' },
        { kind: 'added', text: 'Publish' },
        { kind: 'equal', text: ' to keep the ' },
        { kind: 'removed', text: 'draft' },
        { kind: 'added', text: 'article' },
        { kind: 'equal', text: '.' },
      ],
    });
    expect(diff.stats).toEqual({ linesAdded: 0, linesRemoved: 0, linesChanged: 1 });
  });

  it('pairs runs 1:1 in order and keeps leftover removed lines', () => {
    const diff = diffRevisions(revision(1, 'keep\nold a\nold b\nold c\nend'), revision(2, 'keep\nnew a\nnew b\nend'));

    expect(shape(diff.body)).toEqual([
      ['equal', 1, 1],
      ['changed', 2, 2],
      ['changed', 3, 3],
      ['removed', 4, null],
      ['equal', 5, 4],
    ]);
    expect(diff.body[1]).toMatchObject({ oldText: 'old a', newText: 'new a' });
    expect(diff.body[2]).toMatchObject({ oldText: 'old b', newText: 'new b' });
    expect(diff.stats).toEqual({ linesAdded: 0, linesRemoved: 1, linesChanged: 2 });
  });

  it('pairs runs 1:1 in order and keeps leftover added lines', () => {
    const diff = diffRevisions(revision(1, 'old a\nend'), revision(2, 'new a\nnew b\nnew c\nend'));

    expect(shape(diff.body)).toEqual([
      ['changed', 1, 1],
      ['added', null, 2],
      ['added', null, 3],
      ['equal', 2, 4],
    ]);
    expect(diff.stats).toEqual({ linesAdded: 2, linesRemoved: 0, linesChanged: 1 });
  });

  it('diffs Chinese lines by word, not as whole lines', () => {
    const diff = diffRevisions(
      revision(1, '如何下载发票：打开设置。', '下载发票'),
      revision(2, '如何下载电子发票：打开账户设置。', '下载电子发票'),
    );

    expect(diff.title).toEqual([
      { kind: 'equal', text: '下载' },
      { kind: 'added', text: '电子' },
      { kind: 'equal', text: '发票' },
    ]);
    expect(diff.body).toHaveLength(1);
    expect(diff.body[0].kind).toBe('changed');
    const segments = diff.body[0].segments;
    expect(segments.filter((s) => s.kind === 'added').map((s) => s.text)).toEqual(['电子', '账户']);
    expect(segments.filter((s) => s.kind === 'removed')).toEqual([]);
    expect(segments.filter((s) => s.kind !== 'added').map((s) => s.text).join('')).toBe('如何下载发票：打开设置。');
  });

  it('diffs Japanese and mixed-script lines by word', () => {
    const diff = diffRevisions(revision(1, 'パスワードをリセットする PDF'), revision(2, 'パスワードを変更する PDF'));
    const segments = diff.body[0].segments;

    expect(segments.find((s) => s.kind === 'equal')?.text).toBe('パスワードを');
    expect(segments.filter((s) => s.kind !== 'equal')).toEqual([
      { kind: 'removed', text: 'リセット' },
      { kind: 'added', text: '変更' },
    ]);
  });

  it('treats CRLF and LF bodies as the same', () => {
    const diff = diffRevisions(revision(1, 'one\r\ntwo\r\nthree\r\n'), revision(2, 'one\ntwo\nthree\n'));
    expect(diff.stats).toEqual({ linesAdded: 0, linesRemoved: 0, linesChanged: 0 });
    expect(diff.body.map((line) => line.newText)).toEqual(['one', 'two', 'three']);
  });

  it('ignores a difference in the trailing newline only', () => {
    const diff = diffRevisions(revision(1, 'one\ntwo'), revision(2, 'one\ntwo\n'));
    expect(diff.stats).toEqual({ linesAdded: 0, linesRemoved: 0, linesChanged: 0 });
    expect(diff.body).toHaveLength(2);
  });

  it('keeps blank lines as lines', () => {
    const diff = diffRevisions(revision(1, 'a\n\nb'), revision(2, 'a\n\n\nb'));
    expect(shape(diff.body)).toEqual([
      ['equal', 1, 1],
      ['equal', 2, 2],
      ['added', null, 3],
      ['equal', 3, 4],
    ]);
    expect(diff.body[2].segments).toEqual([{ kind: 'added', text: '' }]);
  });

  it('handles empty bodies', () => {
    expect(diffRevisions(revision(1, ''), revision(2, '')).body).toEqual([]);

    const created = diffRevisions(revision(1, ''), revision(2, 'first\nsecond\n'));
    expect(shape(created.body)).toEqual([
      ['added', null, 1],
      ['added', null, 2],
    ]);
    expect(created.stats).toEqual({ linesAdded: 2, linesRemoved: 0, linesChanged: 0 });

    const cleared = diffRevisions(revision(1, 'first\nsecond'), revision(2, ''));
    expect(shape(cleared.body)).toEqual([
      ['removed', 1, null],
      ['removed', 2, null],
    ]);
  });

  describe('context', () => {
    const from = revision(1, ['x', '1', '2', '3', '4', '5', '6', '7', '8', 'y'].join('\n'));
    const to = revision(2, ['X', '1', '2', '3', '4', '5', '6', '7', '8', 'Y'].join('\n'));

    it('returns every line by default', () => {
      expect(diffRevisions(from, to).body).toHaveLength(10);
    });

    it('keeps only equal lines within N lines of a change', () => {
      expect(shape(diffRevisions(from, to, { context: 2 }).body)).toEqual([
        ['changed', 1, 1],
        ['equal', 2, 2],
        ['equal', 3, 3],
        ['equal', 8, 8],
        ['equal', 9, 9],
        ['changed', 10, 10],
      ]);
    });

    it('returns only changes with context 0', () => {
      expect(shape(diffRevisions(from, to, { context: 0 }).body)).toEqual([
        ['changed', 1, 1],
        ['changed', 10, 10],
      ]);
    });

    it('keeps overlapping context once', () => {
      expect(diffRevisions(from, to, { context: 4 }).body).toHaveLength(10);
    });

    it('returns no lines for identical revisions and counts stats over the whole body', () => {
      const same = diffRevisions(from, from, { context: 3 });
      expect(same.body).toEqual([]);
      expect(diffRevisions(from, to, { context: 0 }).stats).toEqual({ linesAdded: 0, linesRemoved: 0, linesChanged: 2 });
    });

    it.each([-1, 1.5, Number.NaN])('refuses %p', (context) => {
      expect(() => diffRevisions(from, to, { context })).toThrow(RangeError);
    });
  });

  it('shows a huge rewrite as replaced lines instead of searching for the shortest diff', () => {
    const oldBody = Array.from({ length: 1_500 }, (_, i) => `old ${i}`).join('\n');
    const newBody = Array.from({ length: 1_500 }, (_, i) => `new ${i}`).join('\n');
    const diff = diffRevisions(revision(1, oldBody), revision(2, newBody));

    expect(diff.stats).toEqual({ linesAdded: 0, linesRemoved: 0, linesChanged: 1_500 });
    expect(diff.body[1_499]).toMatchObject({ oldLineNumber: 1_500, newLineNumber: 1_500 });
  });

  it('shows a huge rewritten line as one removed and one added segment', () => {
    const oldLine = Array.from({ length: 1_500 }, (_, i) => `old${i}`).join(' ');
    const newLine = Array.from({ length: 1_500 }, (_, i) => `new${i}`).join(' ');
    const diff = diffRevisions(revision(1, oldLine), revision(2, newLine));

    expect(diff.body[0].segments).toEqual([
      { kind: 'removed', text: oldLine },
      { kind: 'added', text: newLine },
    ]);
  });
});
