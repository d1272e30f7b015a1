import { Page } from 'playwright-core';
import { Role } from '../../src/users/role.enum';
import { describeWithBrowser, launchBrowser, TestBrowser } from '../support/browser';
import { ModerationQueueChange } from '../../src/notifications/moderation-queue-change.enum';
import { ModerationQueueEvents } from '../../src/notifications/moderation-queue-events.service';
import { createTestApp, TestApp, TestUser } from '../support/create-test-app';
import { subscribed } from '../support/subscriptions';

/** Replaces the query in GraphiQL's editor by typing, runs it with the run button, and returns the response pane's text. */
async function runQuery(page: Page, query: string, expected: string): Promise<string> {
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(query);
  await page.locator('.graphiql-execute-button').click();
  const response = page.locator('.graphiql-response .CodeMirror-code');
  await response.filter({ hasText: expected }).waitFor({ timeout: 20_000 });
  return response.innerText();
}

describeWithBrowser('GraphiQL in a browser, served without internet access', () => {
  let t: TestApp;
  let browser: TestBrowser;
  let base: string;
  let admin: TestUser;
  const offSite: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ GRAPHIQL: 'true' });
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    admin = await t.createUser({ role: Role.Admin, email: 'graphiql-admin@example.test' });
    const token = await t.login(admin);
    const created = await t
      .admin(token)
      .send(`mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`, {
        input: { translations: [{ locale: 'en', name: 'Billing and invoices' }] },
      });
    expect(created.errors).toBeUndefined();
    browser = await launchBrowser();
    // Any request leaving this server fails, as it would offline; and is recorded so the test can assert none was made.
    await browser.context.route(
      (url) => !url.href.startsWith(base),
      async (route) => {
        offSite.push(route.request().url());
        await route.abort('internetdisconnected');
      },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('runs a typed delivery query from /graphiql', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/graphiql`);

    const answer = await runQuery(page, '{ categories { name } }', 'Billing and invoices');

    expect(answer).toContain('"categories"');
    expect(offSite).toEqual([]);
    await page.close();
  });

  it('signs in on /admin/graphiql and runs an admin query with the session', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/admin/graphiql`);

    const anonymous = await runQuery(page, '{ me { email role } }', 'UNAUTHENTICATED');
    expect(anonymous).not.toContain(admin.user.email);

    await page.fill('#sign-in-email', admin.user.email);
    await page.fill('#sign-in-password', admin.password);
    await page.click('#sign-in-submit');
    await page.locator('#sign-in-status', { hasText: `Signed in as ${admin.user.email}` }).waitFor();

    const answer = await runQuery(page, '{ me { email role } users { totalCount } }', admin.user.email);
    expect(answer).toContain('"role": "Admin"');
    expect(answer).toContain('"totalCount"');
    expect(answer).not.toContain('UNAUTHENTICATED');
    expect(offSite).toEqual([]);
    await page.close();
  });

  it('uses a pasted access token', async () => {
    const token = await t.login(admin);
    const page = await browser.context.newPage();
    await page.goto(`${base}/admin/graphiql`);

    await page.fill('#sign-in-token', token);
    await page.click('#sign-in-use-token');

    const answer = await runQuery(page, '{ me { email } }', admin.user.email);
    expect(answer).not.toContain('UNAUTHENTICATED');
    await page.close();
  });

  it('runs a subscription over WebSocket with the signed-in token and shows its events', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/admin/graphiql`);
    await page.fill('#sign-in-token', await t.login(admin));
    await page.click('#sign-in-use-token');

    const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('subscription { moderationQueueChanged { itemId reason } }');
    await page.locator('.graphiql-execute-button').click();
    await subscribed(t, 'moderation-queue-changed', 1);
    const itemId = '00000000-0000-4000-8000-0000000000b1';
    await t.dataSource.transaction((tx) =>
      t.app.get(ModerationQueueEvents).publish(tx, { change: ModerationQueueChange.Added, itemKind: 'post', itemId, boardId: null, reason: 'held-in-graphiql' }),
    );

    const response = page.locator('.graphiql-response .CodeMirror-code');
    await response.filter({ hasText: 'held-in-graphiql' }).waitFor({ timeout: 20_000 });
    expect(await response.innerText()).toContain(itemId);
    expect(offSite).toEqual([]);
    await page.close();
  });

  it('says what went wrong instead of a blank page when the scripts cannot load', async () => {
    const page = await browser.context.newPage();
    await page.route(/\/graphiql\/assets\/graphiql\.min\.js$/, (route) => route.abort('internetdisconnected'));
    await page.goto(`${base}/graphiql`);

    const status = page.locator('#graphiql-status.failed');
    await status.waitFor();
    expect(await status.innerText()).toContain('GraphiQL could not start: GraphiQL did not load');
    await page.close();
  });
});
