import { createHash } from 'node:crypto';
import { readExampleOperations } from '../apollo/example-operations.js';
import type { Exchange } from './exchange.js';

/**
 * GraphiQL 5 at `/graphiql`, served by this server alone, so exploring works offline and behind
 * proxies that block Apollo's CDN. The assets are GraphiQL 5.2 with its explorer plugin, React 19
 * and Monaco's three workers, prebuilt by `@graphql-yoga/render-graphiql` (a runtime dependency:
 * nothing is built here and no React, Vite or Monaco is installed). Each is served as a file of its
 * own rather than inlined as Yoga's page does, so the page's CSP needs no inline script.
 */

/**
 * Only this origin, and what the bundle truly needs beside it (each checked by the browser test):
 * `style-src 'unsafe-inline'`: Monaco injects <style> elements and React sets `style` attributes;
 * `img-src data:` and `font-src data:`: GraphiQL's CSS carries its icons and fonts as data: URLs.
 * Scripts, workers (Monaco's, served from /graphiql/) and fetches (/graphql) fall back to `default-src 'self'`.
 */
export const GRAPHIQL_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Monaco asks for a worker by label; each is a file beside the page. */
const WORKER_PATHS = {
  editorWorkerService: '/graphiql/editor.worker.js',
  json: '/graphiql/json.worker.js',
  graphql: '/graphiql/graphql.worker.js',
} as const;

/**
 * Runs before the bundle (Monaco reads MonacoEnvironment as it loads), renders once the document is
 * parsed (the bundle, the next script, has defined YogaGraphiQL by then). The options come as JSON
 * in the page, so the script is the same for every server.
 */
const START_SCRIPT = `'use strict';
const options = JSON.parse(document.getElementById('graphiql-options').textContent);
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => options.workers[label] };
document.addEventListener('DOMContentLoaded', () => YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options.graphiql));
`;

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

/** What GraphiQL opens with (YogaGraphiQL's props: GraphiQL's own, and the endpoint). */
interface GraphiqlProps {
  title: string;
  endpoint: string;
  defaultQuery: string;
  defaultHeaders: string;
  // A user's real IAM token typed into the headers stays out of localStorage.
  shouldPersistHeaders: false;
}

function asset(type: string, content: string | Buffer): Asset {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** A `data:<type>;base64,<data>` URL as the type and the bytes it holds. */
function fromDataUrl(url: string): Asset {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match) throw new Error('the GraphiQL bundle\'s favicon is not a base64 data: URL');
  return asset(match[1]!, Buffer.from(match[2]!, 'base64'));
}

/** JSON inside a <script> element: `<` escaped, so no string in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function page(props: GraphiqlProps): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL: cloudimages-graphql</title>
<link rel="icon" href="/graphiql/favicon.ico">
<link rel="stylesheet" href="/graphiql/graphiql.css">
</head>
<body class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root"></div>
<script type="application/json" id="graphiql-options">${scriptJson({ workers: WORKER_PATHS, graphiql: props })}</script>
<script src="/graphiql/start.js"></script>
<script src="/graphiql/graphiql.js"></script>
</body>
</html>
`;
}

type Bundle = typeof import('@graphql-yoga/render-graphiql/graphiql');

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** Each path under /graphiql and what it serves. */
const ASSETS: Record<string, (bundle: Bundle, props: GraphiqlProps) => Asset> = {
  '/graphiql': (_bundle, props) => asset('text/html; charset=utf-8', page(props)),
  '/graphiql/start.js': () => asset(JAVASCRIPT, START_SCRIPT),
  '/graphiql/graphiql.js': (bundle) => asset(JAVASCRIPT, bundle.js),
  '/graphiql/graphiql.css': (bundle) => asset('text/css; charset=utf-8', bundle.css),
  '/graphiql/favicon.ico': (bundle) => fromDataUrl(bundle.favicon),
  [WORKER_PATHS.editorWorkerService]: (bundle) => asset(JAVASCRIPT, bundle.editorWorkerService),
  [WORKER_PATHS.json]: (bundle) => asset(JAVASCRIPT, bundle.jsonWorker),
  [WORKER_PATHS.graphql]: (bundle) => asset(JAVASCRIPT, bundle.graphqlWorker),
};

async function loadAssets(token: string | undefined): Promise<Map<string, Asset>> {
  const [bundle, document] = await Promise.all([import('@graphql-yoga/render-graphiql/graphiql'), readExampleOperations()]);
  const props: GraphiqlProps = {
    title: 'cloudimages-graphql',
    endpoint: '/graphql',
    defaultQuery: document,
    defaultHeaders: token ? JSON.stringify({ 'X-Auth-Token': token }, null, 2) : '',
    shouldPersistHeaders: false,
  };
  return new Map(Object.entries(ASSETS).map(([path, make]) => [path, make(bundle, props)]));
}

/**
 * The routes of /graphiql and its assets, for GET and HEAD. `token` (emulator mode: a demo token is
 * no secret) goes into the default headers. The 9 MB bundle is read on the first request and then
 * kept in memory: importing it costs half a second to a second and about 50 MB, which every start
 * (every test's too) would otherwise pay for an explorer few open. Assets are revalidated by ETag (`no-cache`), so a browser downloads
 * them again only after the server changed.
 */
export function graphiqlRoutes(token: string | undefined): Map<string, (exchange: Exchange) => Promise<void>> {
  let assets: Promise<Map<string, Asset>> | undefined;
  const serve = async (path: string, { req, res }: Exchange): Promise<void> => {
    const { type, body, etag } = (await (assets ??= loadAssets(token))).get(path)!;
    const headers = { 'content-security-policy': GRAPHIQL_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache', etag };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.length }).end(body);
  };
  return new Map(Object.keys(ASSETS).map((path) => [path, (exchange: Exchange) => serve(path, exchange)]));
}
