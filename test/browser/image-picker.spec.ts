import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { print } from 'graphql';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, preview, type InlineConfig, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickerImagesDocument } from '../../examples/image-picker/src/queries.js';
import { ALICE, startApi, type ApiHarness } from '../helpers/api-server.js';
import { launchChromium, requireChromium, skipWithoutChromium } from '../helpers/chromium.js';

/**
 * The reference image picker (examples/image-picker/) in a real browser: built once with Vite for
 * this run's server (VITE_API_URL), served by `vite preview` from another loopback origin (so every
 * request is a CORS request, as in a real deployment), driven by headless Chromium. A person picks
 * a region, types a search, picks a facet and scrolls to the second page; the rows are the ones the
 * API answers for the same arguments. A bad token gets "sign in", and signing in brings the list.
 *
 * Keeps test-results/image-picker.png; with UPDATE_SCREENSHOTS=1 it also writes the README's
 * examples/image-picker/screenshot.png.
 */

const SKIP = skipWithoutChromium('test/browser/image-picker.spec.ts');
const root = fileURLToPath(new URL('../..', import.meta.url));
const pickerRoot = join(root, 'examples/image-picker');
const TIMEOUT_MS = 15_000;
const TOKEN_KEY = 'cloudimages-picker-token';

interface ImagesAnswer {
  images: { totalCount: number; edges: { node: { imageId: string } }[] };
  latestImage: { name: string } | null;
  imageFacets: { platform: { value: string; count: number }[] };
}

/**
 * `vite build` as `npm run example:picker` runs it. Vite takes NODE_ENV over the mode, and vitest
 * sets it to `test`, which would make a development build of React.
 */
async function buildForProduction(config: InlineConfig): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build(config);
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

describe.skipIf(SKIP)('the image picker in a real browser (headless Chromium)', () => {
  let api: ApiHarness;
  let browser: Browser;
  let site: PreviewServer;
  let siteUrl = '';
  let outDir = '';

  beforeAll(async () => {
    requireChromium();
    const starting = launchChromium();
    api = await startApi();
    outDir = await mkdtemp(join(tmpdir(), 'image-picker-'));
    // As `VITE_API_URL=… npm run example:picker` would: the API's URL is fixed at build time.
    process.env.VITE_API_URL = api.url;
    const config = { root: pickerRoot, configFile: join(pickerRoot, 'vite.config.ts'), logLevel: 'warn' as const, build: { outDir } };
    await buildForProduction(config);
    site = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: true } });
    siteUrl = site.resolvedUrls!.local[0]!;
    browser = await starting;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await api?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  /** A page of its own, with its errors collected: none is expected. */
  async function open(init?: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(TIMEOUT_MS);
    if (init) await context.addInitScript({ content: init });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(siteUrl);
    return { context, page, errors };
  }

  const rowIds = (page: Page): Promise<(string | null)[]> => page.locator('.rows > li').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-image-id')));

  it('is served from a loopback origin other than the API', () => {
    expect(new URL(siteUrl).hostname).toBe('127.0.0.1');
    expect(new URL(siteUrl).origin).not.toBe(new URL(api.url).origin);
  });

  it('region, search, facet, second page on scroll: the rows, count and newest image are the API own answer', async () => {
    const region = 'cn-east-3';
    const filter = { status: 'ACTIVE', nameContains: 'server', platform: 'Ubuntu' };
    const sort = { key: 'NAME', direction: 'ASC' };
    const answer = await api.query<ImagesAnswer>(
      `query ($region: String!, $filter: ImageFilter!, $facetFilter: ImageFilter!, $sort: ImageSort!) {
        images(region: $region, filter: $filter, sort: $sort, first: 40) { totalCount edges { node { imageId } } }
        latestImage(region: $region, filter: $filter) { name }
        imageFacets(region: $region, filter: $facetFilter) { platform { value count } }
      }`,
      { region, filter, facetFilter: { status: 'ACTIVE', nameContains: 'server' }, sort },
    );
    expect(answer.errors).toBeUndefined();
    const { images, latestImage, imageFacets } = answer.data!;
    const ids = images.edges.map((edge) => edge.node.imageId);
    // Enough for a second page, and more than two: the list must stop at 40 until scrolled again.
    expect(images.totalCount).toBeGreaterThan(40);
    const ubuntu = imageFacets.platform.find((entry) => entry.value === 'Ubuntu');
    expect(ubuntu?.count).toBe(images.totalCount);

    const { context, page, errors } = await open();
    try {
      await expect.poll(() => page.getByLabel('Region').locator('option').count()).toBeGreaterThan(1);
      await page.getByLabel('Region').selectOption(region);
      // Typed key by key, as a person does: the list follows once typing pauses.
      await page.getByLabel('Search').pressSequentially('server');
      // The dropdown counts are the API's facets for the region and search.
      await expect.poll(() => page.getByLabel('Platform').locator('option[value="Ubuntu"]').textContent()).toBe(`Ubuntu (${ubuntu!.count})`);
      await page.getByLabel('Platform').selectOption('Ubuntu');

      await expect.poll(() => rowIds(page)).toEqual(ids.slice(0, 20));
      await expect.poll(() => page.locator('.total').textContent()).toBe(`${images.totalCount} images`);
      await expect.poll(() => page.getByRole('region', { name: 'Newest matching image' }).locator('.card-name').textContent()).toBe(latestImage!.name);

      await page.locator('.list-end').scrollIntoViewIfNeeded();
      await expect.poll(() => rowIds(page)).toEqual(ids.slice(0, 40));

      // The footer shows the list's cost as the API prices the same operation.
      const priced = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
        body: JSON.stringify({ query: print(PickerImagesDocument), variables: { region, filter, sort, first: 20 } }),
      });
      const { estimated, limit } = ((await priced.json()) as { extensions: { cost: { estimated: number; limit: number } } }).extensions.cost;
      await expect.poll(() => page.locator('.footer [data-operation="PickerImages"]').textContent()).toMatch(new RegExp(`PickerImages ${estimated} estimated, \\d+ upstream calls? \\(limit ${limit}\\)`));

      await page.evaluate('window.scrollTo(0, 0)');
      await mkdir(join(root, 'test-results'), { recursive: true });
      const shot = join(root, 'test-results/image-picker.png');
      await page.screenshot({ path: shot });
      if (process.env.UPDATE_SCREENSHOTS === '1') await copyFile(shot, join(pickerRoot, 'screenshot.png'));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a token the API refuses: "sign in" (UNAUTHENTICATED), no rows; signing in brings the list', async () => {
    const { context, page } = await open(`sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, 'not-a-token')`);
    try {
      const notice = page.getByRole('alert');
      await expect.poll(() => notice.textContent()).toContain('Please sign in');
      expect(await notice.textContent()).toContain('UNAUTHENTICATED');
      expect(await page.locator('.rows > li').count()).toBe(0);

      await notice.getByLabel('Token').fill(ALICE.token);
      await notice.getByRole('button', { name: 'Sign in' }).click();
      const answer = await api.query<ImagesAnswer>('{ regions images(region: "cn-north-4", filter: { status: ACTIVE }, sort: { key: NAME, direction: ASC }, first: 20) { totalCount edges { node { imageId } } } }');
      await expect.poll(() => rowIds(page)).toEqual(answer.data!.images.edges.map((edge) => edge.node.imageId));
      expect(await page.getByRole('alert').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
