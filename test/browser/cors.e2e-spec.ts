import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Page } from 'playwright-core';
import { Role } from '../../src/users/role.enum';
import { describeWithBrowser, launchBrowser, TestBrowser } from '../support/browser';
import { createTestApp, TestApp } from '../support/create-test-app';

/** A help-center page on its own origin: plain static HTML, as a separate site would serve it. */
async function staticSite(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html><head><title>Help center</title></head><body><h1>Help center</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

type FetchOutcome = { ok: true; status: number; body: { data?: { categories: { name: string }[] } } } | { ok: false; error: string };

/** What the page's own script gets from a JSON POST to the API (which makes the browser send a preflight first). */
function fetchFromPage(page: Page, url: string): Promise<FetchOutcome> {
  return page.evaluate(async (target): Promise<FetchOutcome> => {
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ categories { name } }' }),
      });
      return { ok: true, status: response.status, body: (await response.json()) as { data?: { categories: { name: string }[] } } };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  }, url);
}

describeWithBrowser('CORS from a page on another origin, in a browser', () => {
  let t: TestApp;
  let browser: TestBrowser;
  let api: string;
  let allowedSite: { origin: string; server: Server };
  let otherSite: { origin: string; server: Server };

  beforeAll(async () => {
    allowedSite = await staticSite();
    otherSite = await staticSite();
    t = await createTestApp({ CORS_ORIGINS: allowedSite.origin });
    await t.app.listen(0, '127.0.0.1');
    api = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const admin = await t.login(await t.createUser({ role: Role.Admin }));
    await t.admin(admin).send(`mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`, {
      input: { translations: [{ locale: 'en', name: 'Getting started' }] },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    allowedSite?.server.close();
    otherSite?.server.close();
  });

  it('lets a page on an allowed origin fetch /graphql and read the data', async () => {
    const page = await browser.context.newPage();
    await page.goto(allowedSite.origin);

    const outcome = await fetchFromPage(page, `${api}/graphql`);

    expect(outcome).toEqual({ ok: true, status: 200, body: { data: { categories: [expect.objectContaining({ name: 'Getting started' })] } } });
    await page.close();
  });

  it('blocks a page on an origin that is not allowed', async () => {
    const page = await browser.context.newPage();
    await page.goto(otherSite.origin);

    const outcome = await fetchFromPage(page, `${api}/graphql`);

    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.error).toContain('Failed to fetch');
    await page.close();
  });
});
