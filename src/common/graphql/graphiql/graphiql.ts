import { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import * as path from 'node:path';

/** Where the GraphiQL page's files are served, for both endpoints. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/assets';

interface Asset {
  file: string;
  contentType: string;
  /** Vendor files change only with package.json; the page script with every deploy. */
  cacheControl: string;
}

const VENDOR_CACHE = 'public, max-age=3600';

/** A file inside an installed package, also where the package's `exports` do not list it. */
const packageFile = (pkg: string, file: string): string => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);

/** The only files served under GRAPHIQL_ASSETS_PATH: the project's own dependencies, no CDN. */
function graphiqlAssets(): Record<string, Asset> {
  const js = 'text/javascript; charset=utf-8';
  return {
    'react.production.min.js': { file: packageFile('react', 'umd/react.production.min.js'), contentType: js, cacheControl: VENDOR_CACHE },
    'react-dom.production.min.js': {
      file: packageFile('react-dom', 'umd/react-dom.production.min.js'),
      contentType: js,
      cacheControl: VENDOR_CACHE,
    },
    'graphiql.min.js': { file: packageFile('graphiql', 'graphiql.min.js'), contentType: js, cacheControl: VENDOR_CACHE },
    'graphiql.min.css': { file: packageFile('graphiql', 'graphiql.min.css'), contentType: 'text/css; charset=utf-8', cacheControl: VENDOR_CACHE },
    'evergreen-graphiql.js': { file: path.join(__dirname, 'evergreen-graphiql.js'), contentType: js, cacheControl: 'no-cache' },
  };
}

export interface GraphiqlPage {
  /** Where the page is served, e.g. `/admin/graphiql`. */
  path: string;
  /** The GraphQL endpoint it queries, e.g. `/admin/graphql`. */
  endpoint: string;
  title: string;
  /** Show the sign-in helper (login mutation → Authorization: Bearer header). */
  signIn: boolean;
  defaultQuery: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The page: a static fallback message that the page script replaces with GraphiQL once its scripts have loaded. */
export function graphiqlHtml(page: GraphiqlPage): string {
  // `<` escaped so the JSON cannot close the script element.
  const settings = JSON.stringify({ endpoint: page.endpoint, signIn: page.signIn, defaultQuery: page.defaultQuery }).replace(/</g, '\\u003c');
  const asset = (name: string): string => `${GRAPHIQL_ASSETS_PATH}/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<link rel="stylesheet" href="${asset('graphiql.min.css')}">
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  #graphiql { flex: 1; min-height: 0; }
  #graphiql-status { padding: 2rem; color: #333; }
  #graphiql-status.failed { color: #a40000; }
  #sign-in { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid #ddd; font-size: 14px; }
  #sign-in input { padding: .25rem .4rem; }
  #sign-in .separator { color: #888; }
  #sign-in-status.error { color: #a40000; }
</style>
</head>
<body>
${
  page.signIn
    ? `<form id="sign-in" autocomplete="on">
  <strong>Sign in</strong>
  <input id="sign-in-email" type="email" name="email" placeholder="email" autocomplete="username" required>
  <input id="sign-in-password" type="password" name="password" placeholder="password" autocomplete="current-password" required>
  <button id="sign-in-submit" type="submit">Sign in</button>
  <span class="separator">or paste a token</span>
  <input id="sign-in-token" type="password" placeholder="access token" autocomplete="off">
  <button id="sign-in-use-token" type="button">Use token</button>
  <button id="sign-out" type="button" hidden>Sign out</button>
  <span id="sign-in-status" role="status">Not signed in: queries run anonymously.</span>
</form>`
    : ''
}
<div id="graphiql"><p id="graphiql-status">Loading GraphiQL… If this message stays, the GraphiQL scripts could not be loaded from ${escapeHtml(
    GRAPHIQL_ASSETS_PATH,
  )} (is the server still running?). The API itself answers POST requests at ${escapeHtml(page.endpoint)}.</p></div>
<script id="graphiql-settings" type="application/json">${settings}</script>
<script src="${asset('react.production.min.js')}"></script>
<script src="${asset('react-dom.production.min.js')}"></script>
<script src="${asset('graphiql.min.js')}"></script>
<script src="${asset('evergreen-graphiql.js')}"></script>
</body>
</html>
`;
}

/** GraphiQL pages for the given endpoints and the files they load, all from this server. */
export async function registerGraphiql(app: FastifyInstance, pages: GraphiqlPage[]): Promise<void> {
  const assets = graphiqlAssets();
  for (const page of pages) {
    const html = graphiqlHtml(page);
    app.get(page.path, async (_request, reply) =>
      reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html),
    );
  }
  app.get<{ Params: { name: string } }>(`${GRAPHIQL_ASSETS_PATH}/:name`, async (request, reply) => {
    const asset = Object.hasOwn(assets, request.params.name) ? assets[request.params.name] : undefined;
    if (!asset) return reply.code(404).send({ message: 'Not found' });
    return reply.header('content-type', asset.contentType).header('cache-control', asset.cacheControl).send(createReadStream(asset.file));
  });
}
