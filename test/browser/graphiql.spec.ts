import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_CSP } from '../../src/http/graphiql.js';
import { ALICE, startApi, type ApiHarness } from '../helpers/api-server.js';
import { launchChromium, requireChromium, skipWithoutChromium } from '../helpers/chromium.js';

/**
 * The offline explorer in a real browser: headless Chromium with every request to a host other
 * than the server's blocked (and recorded). GraphiQL at /graphiql loads, opens on the example
 * operations with the demo token, runs a query typed into its editor and shows the server's answer;
 * it asks no other host for anything and breaks nothing of its CSP. Apollo Sandbox at /graphql,
 * whose scripts come from Apollo's CDN, shows its offline fallback, which links to /graphiql.
 */

const SKIP = skipWithoutChromium('test/browser/graphiql.spec.ts');
const TIMEOUT_MS = 15_000;
const QUERY = '{ images(region: "cn-north-4", first: 3) { nodes { name } } }';

interface OfflineContext {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send to another host (all blocked). */
  offHost: string[];
  /** What went to the server: method, path and the token sent, if any. */
  toServer: { method: string; path: string; token: string | undefined }[];
  /** The page's CSP violations, as `directive blocked-uri`. */
  cspViolations(): Promise<string[]>;
}

/** What a Monaco editor shows (the lines it rendered), every run of white space (its non-breaking spaces, a wrapped line's indent) as one space. */
async function shown(editor: Locator): Promise<string> {
  return ((await editor.locator('.view-lines').textContent()) ?? '').replace(/\s+/g, ' ');
}

describe.skipIf(SKIP)('GraphiQL offline, in a real browser (headless Chromium)', () => {
  let api: ApiHarness;
  let browser: Browser;

  beforeAll(async () => {
    requireChromium();
    [api, browser] = await Promise.all([startApi(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** A fresh context whose network ends at the server: any other host is refused and recorded. */
  async function offline(): Promise<OfflineContext> {
    const server = new URL(api.url).host;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(TIMEOUT_MS);
    const offHost: string[] = [];
    const toServer: OfflineContext['toServer'] = [];
    // Context-wide, so Monaco's workers' requests are seen too.
    await context.route('**/*', async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      if (url.host !== server) {
        offHost.push(url.href);
        await route.abort('blockedbyclient');
        return;
      }
      toServer.push({ method: request.method(), path: url.pathname, token: (await request.allHeaders())['x-auth-token'] });
      await route.continue();
    });
    // Browser-side code as text: this project's type check has no DOM types.
    await context.addInitScript({
      content: `window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });
    const page = await context.newPage();
    return { context, page, offHost, toServer, cspViolations: () => page.evaluate<string[]>('window.cspViolations') };
  }

  it('loads from the server alone, opens on the example operations, runs a typed query and shows its result', async () => {
    const expected = await api.query<{ images: { nodes: { name: string }[] } }>(QUERY);
    const names = expected.data!.images.nodes.map((node) => node.name);
    expect(names).toHaveLength(3);

    const { context, page, offHost, toServer, cspViolations } = await offline();
    try {
      const response = await page.goto(`${api.url}/graphiql`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toBe(GRAPHIQL_CSP);
      const editor = page.locator('.graphiql-query-editor .monaco-editor');
      await expect.poll(() => shown(editor), { timeout: TIMEOUT_MS }).toContain('query ImagesPage');
      // The explorer plugin is there.
      await expect.poll(() => page.locator('button[aria-label="Show GraphiQL Explorer"]').count()).toBe(1);

      // Typed as a person would: every key goes through Monaco (brackets it closes itself are typed over).
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await page.keyboard.type(QUERY);
      await expect.poll(() => shown(editor)).toContain('first: 3');
      // GraphiQL has taken the edit in (the tab is named after the document's one, unnamed, operation): run now runs it.
      await expect.poll(() => page.locator('.graphiql-tab-active').textContent()).toBe('<untitled>');
      await page.locator('.graphiql-execute-button').click();

      const result = page.locator('.graphiql-response');
      await expect.poll(() => shown(result), { timeout: TIMEOUT_MS }).toContain('"extensions"');
      const oneSpaced = names.map((name) => name.replace(/\s+/g, ' '));
      expect([...(await shown(result)).matchAll(/"name": "([^"]*)"/g)].map((match) => match[1])).toEqual(oneSpaced);

      // The query went to this server's /graphql with the demo token from GraphiQL's default headers.
      expect(toServer).toContainEqual({ method: 'POST', path: '/graphql', token: ALICE.token });
      expect(toServer.map((request) => request.path).every((path) => path === '/graphql' || path.startsWith('/graphiql'))).toBe(true);
      expect(offHost).toEqual([]);
      expect(await cspViolations()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('Sandbox at /graphql cannot load offline; its fallback links to /graphiql', async () => {
    const { context, page, offHost } = await offline();
    try {
      await page.goto(`${api.url}/graphql`);
      const fallback = page.locator('.fallback');
      await expect.poll(() => fallback.textContent()).toContain('Apollo Sandbox cannot be loaded');
      await fallback.locator('a[href="/graphiql"]').click();
      await page.waitForURL(`${api.url}/graphiql`);
      // GraphiQL's page (what it then does is the test above: not booted twice, to spare the CPU).
      expect(await page.title()).toBe('GraphiQL: cloudimages-graphql');
      // What was refused was Sandbox's own: Apollo's CDN (and its fonts).
      expect(offHost.length).toBeGreaterThan(0);
      expect(offHost.filter((url) => !/^https:\/\/[^/]*(apollographql\.com|fonts\.googleapis\.com|fonts\.gstatic\.com)\//.test(url))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
