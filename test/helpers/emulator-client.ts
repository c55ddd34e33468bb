import { request } from 'node:http';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { perFile } from './per-file.js';
import { ALICE } from './tenants.js';

/** Test-side access to the emulator over real HTTP, plus the oracles the specs compare it with. */

export { ALICE, BOB } from './tenants.js';

/** An emulator for the tests of this file (or of the calling describe), started in beforeAll and closed in afterAll. */
export function useEmulator(options: EmulatorOptions = {}): Emulator {
  return perFile('the emulator', () => startEmulator(options), (emulator) => emulator.close());
}

export const REGIONS = ['cn-north-4', 'cn-east-3', 'ap-southeast-1', 'ap-southeast-3', 'la-north-2', 'tr-west-1', 'eu-west-101'] as const;

/** The upstream's boolean query parameters (the reference's list, written out independently of the emulator). */
export const BOOLEAN_PARAMS = [
  '__isregistered',
  'protected',
  '__support_diskintensive',
  '__support_highperformance',
  '__support_kvm',
  '__support_kvm_infiniband',
  '__support_largememory',
  '__support_xen',
  '__support_xen_hana',
] as const;

export type Query = Record<string, string | number>;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export function listUrl(emulator: Emulator, region: string, query: Query = {}): string {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const search = params.toString();
  return `${emulator.url}/v1/cloudimages/${encodeURIComponent(region)}${search ? `?${search}` : ''}`;
}

/** `token: null` sends no X-Auth-Token at all. */
export async function get(url: string, token: string | null = ALICE.token, init: RequestInit = {}): Promise<Answer> {
  const headers: Record<string, string> = token === null ? {} : { 'X-Auth-Token': token };
  const response = await fetch(url, { ...init, headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** One listing call that must succeed; returns its images. */
export async function listPage(emulator: Emulator, region: string, query: Query = {}, token: string = ALICE.token): Promise<ImageInfo[]> {
  const answer = await get(listUrl(emulator, region, query), token);
  if (answer.status !== 200) throw new Error(`GET ${region} ${JSON.stringify(query)} -> ${answer.status} ${answer.text}`);
  const body = JSON.parse(answer.text) as { images: ImageInfo[] };
  if (!Array.isArray(body.images)) throw new Error(`no images array in ${answer.text.slice(0, 200)}`);
  return body.images;
}

export interface Walk {
  images: ImageInfo[];
  pageSizes: number[];
}

/** Follows `marker` from the first page until a short page; every page must answer 200. */
export async function walk(emulator: Emulator, region: string, query: Query = {}, token: string = ALICE.token, limit = 500): Promise<Walk> {
  const images: ImageInfo[] = [];
  const pageSizes: number[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 200; page++) {
    const batch = await listPage(emulator, region, { ...query, limit, ...(marker === undefined ? {} : { marker }) }, token);
    pageSizes.push(batch.length);
    images.push(...batch);
    const last = batch[batch.length - 1];
    if (batch.length < limit || last === undefined) return { images, pageSizes };
    marker = last.id;
  }
  throw new Error('marker walk did not end within 200 pages');
}

/** The whole visible set of a region for one tenant, walked with limit=500. */
export async function visibleSet(emulator: Emulator, region: string, token: string = ALICE.token): Promise<ImageInfo[]> {
  return (await walk(emulator, region, {}, token)).images;
}

export function ids(images: readonly ImageInfo[]): string[] {
  return images.map((image) => image.id);
}

export function sortedIds(images: readonly ImageInfo[]): string[] {
  return ids(images).sort();
}

/**
 * Requests a raw request target (no URL normalisation, unlike fetch, which resolves `%2E%2E`),
 * for paths a careless client could send.
 */
export function rawGet(emulator: Emulator, target: string, token: string | null = ALICE.token): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: emulator.port, path: target, method: 'GET', headers: token === null ? {} : { 'X-Auth-Token': token } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The oracles' view of a wire boolean: "true"/true, "false"/false, anything else (absent) undefined.
 * The same rule as src/upstream/wire.ts's parseWireBoolean, written again on purpose: the mapper,
 * the emulator's filters and the derived filters use that one, and an oracle must not share the
 * code it checks.
 */
export function wireBool(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

export const SORT_KEYS = ['created_at', 'name', 'status', 'disk_format'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** The documented total order: sort key (missing as ""), then id; both reversed for desc. */
export function expectedOrder(images: readonly ImageInfo[], key: SortKey, dir: 'asc' | 'desc'): ImageInfo[] {
  const value = (image: ImageInfo): string => (typeof image[key] === 'string' ? (image[key] as string) : '');
  const sign = dir === 'asc' ? 1 : -1;
  return [...images].sort((a, b) => {
    const byKey = value(a) === value(b) ? 0 : value(a) < value(b) ? -1 : 1;
    const byId = a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
    return sign * (byKey !== 0 ? byKey : byId);
  });
}
