import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_CSP } from '../../src/http/graphiql.js';
import { ALICE, startApi, type ApiHarness } from '../helpers/api-server.js';

/**
 * /graphiql over HTTP: the page, its options (the example operations, the demo token) and every
 * asset it names, each from this server with the strict CSP and `nosniff`, revalidated by ETag.
 * What a browser makes of them is test/browser/graphiql.spec.ts; production's 404 is in
 * test/apollo/production-defaults.spec.ts.
 */

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

interface PageOptions {
  workers: Record<string, string>;
  graphiql: { endpoint: string; defaultQuery: string; defaultHeaders: string; shouldPersistHeaders: boolean };
}

async function page(): Promise<{ response: Response; html: string; options: PageOptions }> {
  const response = await fetch(`${api.url}/graphiql`);
  const html = await response.text();
  const json = /<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s.exec(html)?.[1];
  expect(json).toBeDefined();
  return { response, html, options: JSON.parse(json!) as PageOptions };
}

/** Every same-origin URL the page loads: stylesheets, scripts, the icon, Monaco's workers. */
function assetPaths(html: string, options: PageOptions): string[] {
  return [...[...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!), ...Object.values(options.workers)];
}

describe('GET /graphiql', () => {
  it('serves the page with the CSP, nosniff and no-cache', async () => {
    const { response, html } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(GRAPHIQL_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    // No inline script runs: the one inline element is JSON, which the browser does not execute.
    expect([...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g)].map((match) => match[0])).toEqual(['<script type="application/json" id="graphiql-options">']);
    expect(GRAPHIQL_CSP).toMatch(/^default-src 'self';/);
    expect(GRAPHIQL_CSP).not.toMatch(/script-src|unsafe-eval|https?:|\*/);
  });

  it('opens on the example operations against /graphql, with the demo token in the default headers, not persisted', async () => {
    const { options } = await page();
    expect(options.graphiql.endpoint).toBe('/graphql');
    expect(options.graphiql.defaultQuery).toBe(await readFile(new URL('../../schema/operations.graphql', import.meta.url), 'utf8'));
    expect(JSON.parse(options.graphiql.defaultHeaders)).toEqual({ 'X-Auth-Token': ALICE.token });
    expect(options.graphiql.shouldPersistHeaders).toBe(false);
  });

  it('serves every asset the page names from this server, typed, with the same headers', async () => {
    const { html, options } = await page();
    const paths = assetPaths(html, options);
    expect(paths).toEqual(expect.arrayContaining(['/graphiql/graphiql.css', '/graphiql/start.js', '/graphiql/graphiql.js', '/graphiql/favicon.ico']));
    expect(Object.keys(options.workers).sort()).toEqual(['editorWorkerService', 'graphql', 'json']);
    for (const path of paths) {
      expect(path, 'a path on this server').toMatch(/^\/graphiql\/[a-z.]+$/);
      const response = await fetch(`${api.url}${path}`);
      const body = Buffer.from(await response.arrayBuffer());
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(
        path.endsWith('.js') ? 'text/javascript; charset=utf-8' : path.endsWith('.css') ? 'text/css; charset=utf-8' : 'image/x-icon',
      );
      expect(Number(response.headers.get('content-length')), path).toBe(body.length);
      expect(body.length, path).toBeGreaterThan(100);
      expect(response.headers.get('content-security-policy'), path).toBe(GRAPHIQL_CSP);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    // The bundle carries GraphiQL and its explorer plugin.
    const bundle = await (await fetch(`${api.url}/graphiql/graphiql.js`)).text();
    expect(bundle).toContain('renderYogaGraphiQL');
    expect(bundle).toContain('graphiql-explorer');
  });

  it('answers 304 to a matching If-None-Match, HEAD without a body, and other methods 405', async () => {
    const first = await fetch(`${api.url}/graphiql/graphiql.css`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await fetch(`${api.url}/graphiql/graphiql.css`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await fetch(`${api.url}/graphiql/graphiql.css`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    const head = await fetch(`${api.url}/graphiql`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${api.url}/graphiql`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${api.url}/graphiql/other.js`)).status).toBe(404);
  });
});

describe('GET /graphql from a browser (Apollo Sandbox)', () => {
  it("links to /graphiql in Sandbox's offline fallback, with a style under Apollo's own nonce", async () => {
    const html = await (await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('embeddable-sandbox');
    expect(html).toMatch(/<div class="fallback">[^]*?<a href="\/graphiql">GraphiQL<\/a>[^]*?<\/div>/);
    const nonce = /'nonce-([0-9a-f]+)'/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<style nonce=${nonce}>#embeddableSandbox:empty { display: none; }</style>`);
  });
});
