import { MAX_VIEWS_PER_ADDRESS, ViewCounter } from '../src/articles/view-counter';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const PER_ADDRESS = 6;
const SEARCH_PER_ADDRESS = 3;
const FEEDBACK = 'mutation ($input: ArticleFeedbackInput!) { submitArticleFeedback(input: $input) { accepted } }';
const FEEDBACK_SUMMARY = 'query ($articleId: ID!) { articleFeedbackSummary(articleId: $articleId) { helpful notHelpful } }';
const VIEW = 'mutation ($input: ArticleViewInput!) { recordArticleView(input: $input) }';
const SEARCH = 'query ($text: String!) { search(input: { text: $text }) { total } }';

/** Every per-address limit of the delivery API counts an IPv6 /64 as one client (decision 0033). */
describe('delivery limits per client: an IPv6 /64 is one client', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let subnet = 0;

  /** A /64 no other test uses, and its `n`th address. */
  const newSubnet = (): ((n: number) => string) => {
    subnet += 1;
    const prefix = `2001:db8:${subnet.toString(16)}:${subnet.toString(16)}`;
    return (n) => `${prefix}::${(n + 1).toString(16)}`;
  };
  const post = (ip: string, query: string, variables: Record<string, unknown>, agent = 'reader') =>
    t.http().post('/graphql').set('x-forwarded-for', ip).set('user-agent', agent).send({ query, variables });

  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: 'true',
      RATE_LIMIT_PER_IP: String(PER_ADDRESS),
      RATE_LIMIT_PER_KEY: '100',
      SEARCH_RATE_LIMIT_PER_IP: String(SEARCH_PER_ADDRESS),
    });
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  it('limits requests per /64: rotating through the subnet, in parallel, does not reset the limit; another /64 is counted apart', async () => {
    const address = newSubnet();
    const answers = await Promise.all(Array.from({ length: 3 * PER_ADDRESS }, (_, i) => post(address(i), '{ __typename }', {})));
    expect(answers.filter((res) => res.status === 200)).toHaveLength(PER_ADDRESS);
    expect(answers.filter((res) => res.status === 429).every((res) => res.body.errors[0].extensions.code === 'RATE_LIMITED')).toBe(true);
    expect((await post(newSubnet()(0), '{ __typename }', {})).status).toBe(200);
    expect((await post('::ffff:198.51.100.77', '{ __typename }', {})).status).toBe(200);
  });

  it('limits keyless searches per /64', async () => {
    const address = newSubnet();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(address(100 + i), SEARCH, { text: `export invoices ${i}` })));
    const codes = answers.map((res) => res.body.errors?.[0]?.extensions?.code ?? null);
    expect(codes.filter((code) => code === null)).toHaveLength(SEARCH_PER_ADDRESS);
    expect(codes.filter((code) => code !== null)).toEqual(Array(8 - SEARCH_PER_ADDRESS).fill('RATE_LIMITED'));
  });

  it('takes one anonymous helpfulness vote per reader of a /64, so rotating addresses cannot stuff negative feedback', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Rated from one subnet' });
    const address = newSubnet();
    for (let i = 0; i < 4; i += 1) {
      const res = await post(address(200 + i), FEEDBACK, { input: { articleId: article.id, locale: 'en', helpful: false } });
      expect(res.body.data.submitArticleFeedback.accepted).toBe(true);
    }
    await post(newSubnet()(0), FEEDBACK, { input: { articleId: article.id, locale: 'en', helpful: false } });
    const summary = expectData(await editor.send(FEEDBACK_SUMMARY, { articleId: article.id }), 'articleFeedbackSummary');
    expect(summary).toEqual({ helpful: 0, notHelpful: 2 });
  });

  it('counts views per /64 (traffic weighs in the freshness queue)', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Viewed from one subnet' });
    const counter = t.app.get(ViewCounter);
    const address = newSubnet();
    const counted = Array.from({ length: MAX_VIEWS_PER_ADDRESS + 10 }, (_, i) => counter.record(article.id, 'en', new Date(), address(i)));
    expect(counted.filter(Boolean)).toHaveLength(MAX_VIEWS_PER_ADDRESS);
    expect(counter.record(article.id, 'en', new Date(), newSubnet()(0))).toBe(true);
    await t.http().post('/graphql').set('x-forwarded-for', address(999)).send({ query: VIEW, variables: { input: { articleId: article.id, locale: 'en' } } });
    await counter.flush();
    const [{ views }] = await t.dataSource.query('SELECT views FROM article_daily_views WHERE article_id = $1', [article.id]);
    expect(views).toBe(MAX_VIEWS_PER_ADDRESS + 1);
  });
});
