import { changeQueries, DEFAULT_PRODUCT_CHANGE_PARAMETERS, detectProductChange, historyFactors, ReleaseInput } from './product-change';
import { passagesOf, tokenize } from './text-relevance';

const article = (id: string, body: string, extra: Partial<{ featureKeys: string[]; lastConfirmedAt: Date | null }> = {}) => ({
  articleId: id,
  locale: 'en',
  title: id,
  body,
  featureKeys: extra.featureKeys ?? [],
  lastConfirmedAt: extra.lastConfirmedAt ?? null,
});

const ARTICLES = [
  article('build', '# Build options\n\n## build.rollupOptions\n\nPass options to the bundler with `build.rollupOptions`.\n\n## build.minify\n\nMinify with esbuild by default.'),
  article('server', '# Server options\n\n## server.port\n\nThe dev server listens on port 3000 by default.\n\n## server.host\n\nWhich address to listen on.'),
  article('ssr', '# Server-side rendering\n\nRender pages on the server with ssrLoadModule and hydrate them in the browser.'),
  article('faq', '# FAQ\n\nAnswers to common questions about plugins, themes and hosting.'),
];

const release = (changes: ReleaseInput['changes'], notes = ''): ReleaseInput => ({
  id: 'r1',
  version: '3.0.0',
  releasedAt: new Date('2026-01-10T00:00:00Z'),
  notesMarkdown: notes,
  changes,
});

describe('tokenize', () => {
  it('keeps identifiers whole and in parts, splits camelCase, drops stop words', () => {
    const terms = tokenize('Use build.rollupOptions and ssrLoadModule for the --force flag').map((t) => t.term);
    expect(terms).toEqual(expect.arrayContaining(['#build.rollupoptions', 'build', 'rollup', 'option', '#ssrloadmodule', 'ssr', 'load', 'module', 'force', 'flag']));
    expect(terms).not.toContain('the');
  });

  it('drops a stop word that plural normalisation would otherwise turn into a term (`always`, `fixes`)', () => {
    expect(tokenize('always fixes the server port').map((t) => t.term)).toEqual(['server', 'port']);
  });
});

describe('passagesOf', () => {
  it('cuts at headings with offsets into the body, skipping front matter', () => {
    const body = '---\ntitle: X\n---\n# A\n\ntext a\n\n## B\n\ntext b\n';
    const passages = passagesOf(body);
    expect(passages.map((p) => p.heading)).toEqual(['A', 'B']);
    expect(body.slice(passages[1].start, passages[1].end)).toBe('## B\n\ntext b\n');
  });
});

describe('detectProductChange', () => {
  it('ranks the article documenting the changed option first, with the passage as evidence', () => {
    const findings = detectProductChange(release([{ id: 'c1', kind: 'changed', summary: 'The default server.port is now 5173', featureKeys: [] }]), ARTICLES);
    expect(findings[0]).toMatchObject({ articleId: 'server', flagged: true });
    const passage = findings[0].entries[0].passages[0];
    expect(ARTICLES[1].body.slice(passage.start, passage.end)).toContain('port 3000');
    expect(findings.find((f) => f.articleId === 'faq')).toBeUndefined();
  });

  it('matches identifiers such as build.rollupOptions and ranks removals above fixes', () => {
    const findings = detectProductChange(
      release([
        { id: 'c1', kind: 'removed', summary: 'remove `build.rollupOptions` (use build.bundlerOptions)', featureKeys: [] },
        { id: 'c2', kind: 'fixed', summary: 'ssrLoadModule crash on empty files', featureKeys: [] },
      ]),
      ARTICLES,
    );
    expect(findings.map((f) => f.articleId).slice(0, 2)).toEqual(['build', 'ssr']);
    expect(findings[0].score).toBeGreaterThan(findings[1].score);
    expect(['high', 'critical', 'medium']).toContain(findings[0].severity);
  });

  it('uses explicit feature-key links, and never flags an article revised or verified after the release', () => {
    const articles = [
      article('faq', ARTICLES[3].body, { featureKeys: ['hosting'] }),
      article('server', ARTICLES[1].body, { lastConfirmedAt: new Date('2026-02-01T00:00:00Z') }),
    ];
    const findings = detectProductChange(release([{ id: 'c1', kind: 'changed', summary: 'server.port default changed', featureKeys: ['hosting'] }]), articles);
    expect(findings.map((f) => [f.articleId, f.flagged])).toEqual([['faq', true]]);
    expect(findings[0].entries[0].viaFeatureKey).toBe(true);
  });

  it('reads release notes lines not already given as entries, and finds nothing for an empty release', () => {
    expect(detectProductChange(release([]), ARTICLES)).toEqual([]);
    const fromNotes = detectProductChange(release([], '## 3.0.0\n* feat: server.host accepts a list of addresses'), ARTICLES);
    expect(fromNotes[0].articleId).toBe('server');
    expect(fromNotes[0].entries[0].entryId).toBeNull();
  });

  it('counts a change said several times (the same bullet under several beta headings) once', () => {
    const entry = (id: string, summary: string) => ({ id, kind: 'changed' as const, summary, featureKeys: [] });
    const once = detectProductChange(release([entry('c1', 'server.host accepts a list of addresses'), entry('c9', 'minify with esbuild')]), ARTICLES);
    const repeated = detectProductChange(
      release([entry('c1', 'server.host accepts a list of addresses'), entry('c2', ' Server.host  accepts a list of addresses'), entry('c3', 'server.host accepts a list of addresses'), entry('c9', 'minify with esbuild')]),
      ARTICLES,
    );
    expect(repeated.map((f) => [f.articleId, f.score, f.flagged])).toEqual(once.map((f) => [f.articleId, f.score, f.flagged]));
    expect(repeated[0].entries.map((e) => e.entryId)).toEqual(['c1']);
    expect(changeQueries(release([entry('c1', 'server.host accepts a list'), { ...entry('c2', 'server.host accepts a list'), kind: 'removed' }])).map((e) => e.id)).toEqual(['c1', 'c2']);
  });

  it('orders the articles it does not flag by how often editors changed them after earlier releases, flags unchanged', () => {
    const body = '# Server options\n\n## server.port\n\nThe dev server listens on port 3000.';
    const params = { ...DEFAULT_PRODUCT_CHANGE_PARAMETERS, maxFlagged: 1, minFlagged: 1 };
    const changes = release([{ id: 'c1', kind: 'changed', summary: 'The default server.port is now 5173', featureKeys: [] }]);
    const plain = ['a', 'b', 'c'].map((id) => article(id, body));
    const withHistory = [
      { ...article('a', body), history: { cycles: 4, edited: 0 } },
      { ...article('b', body), history: { cycles: 4, edited: 0 } },
      { ...article('c', body), history: { cycles: 4, edited: 4 } },
    ];
    const before = detectProductChange(changes, plain, params);
    const after = detectProductChange(changes, withHistory, params);
    expect(before.map((f) => [f.articleId, f.flagged])).toEqual([['a', true], ['b', false], ['c', false]]);
    expect(after.map((f) => [f.articleId, f.flagged])).toEqual([['a', true], ['c', false], ['b', false]]);
    expect(after.map((f) => f.score)).toEqual(before.map((f) => f.score));
  });

  it('history factors: 1 without history, above 1 for often-edited articles, below for never-edited ones', () => {
    const p = DEFAULT_PRODUCT_CHANGE_PARAMETERS;
    expect(historyFactors([article('a', 'x'), article('b', 'y')], p)).toEqual([1, 1]);
    const [often, never, unknown] = historyFactors(
      [{ ...article('a', 'x'), history: { cycles: 6, edited: 5 } }, { ...article('b', 'y'), history: { cycles: 6, edited: 0 } }, article('c', 'z')],
      p,
    );
    expect(often).toBeGreaterThan(1);
    expect(never).toBeLessThan(1);
    expect(unknown).toBeCloseTo(1, 9);
    expect(historyFactors([{ ...article('a', 'x'), history: { cycles: 6, edited: 5 } }], { ...p, historyWeight: 0 })).toEqual([1]);
  });
});

describe('detectProductChange with sentence vectors (experiment hook)', () => {
  const twins = [
    article('alpha', '# Proxy\n\nThe dev server proxy forwards websocket requests.'),
    article('beta', '# Proxy\n\nThe dev server proxy forwards websocket requests.'),
    ...ARTICLES,
  ];
  const changes = release([{ id: 'c1', kind: 'changed', summary: 'proxy websocket requests', featureKeys: [] }]);
  const semantic = {
    summary: () => new Float32Array([1, 0]),
    articles: [[new Float32Array([0.2, 0.98])], [new Float32Array([0.9, 0.44])], ...ARTICLES.map(() => undefined)],
  };

  it('changes nothing while the semantic parameters are 0', () => {
    expect(detectProductChange(changes, twins, DEFAULT_PRODUCT_CHANGE_PARAMETERS, semantic)).toEqual(detectProductChange(changes, twins));
  });

  it('reranks lexically tied articles by the cosine of their chunks to the change', () => {
    const plain = detectProductChange(changes, twins);
    expect(plain.slice(0, 2).map((f) => f.articleId)).toEqual(['alpha', 'beta']);
    expect(plain[0].score).toBeGreaterThan(0);
    expect(plain[0].score).toBeCloseTo(plain[1].score);
    const reranked = detectProductChange(changes, twins, { ...DEFAULT_PRODUCT_CHANGE_PARAMETERS, semanticRerank: 1 }, semantic);
    expect(reranked[0].articleId).toBe('beta');
    expect(reranked[0].score).toBeGreaterThan(reranked[1].score);
  });
});
