import { createHash, createHmac } from 'node:crypto';

/**
 * AK/SK request signing, `SDK-HMAC-SHA256`, exactly as the official SDK's `AKSKSigner.sign` does it
 * (`@huaweicloud/huaweicloud-sdk-core`, proven against it in test/upstream/aksk-signer.spec.ts),
 * without its dependencies. See shared/reference/ListCloudImages.md, "Authentication".
 */

export interface AkSk {
  ak: string;
  sk: string;
}

export interface SignableRequest {
  method: string;
  /** Its query must already be in canonical form (as `buildListUrl` writes it): what is sent is what is signed. */
  url: URL;
  /** Headers sent besides `Host`, `X-Sdk-Date` and `Authorization`; of these only `X-Domain-Id` and `X-Project-Id` are signed. */
  headers: Record<string, string>;
  body?: string;
}

export interface SignatureHeaders {
  'X-Sdk-Date': string;
  Authorization: string;
}

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
const SIGNED_EXTRA_HEADERS = new Set(['x-domain-id', 'x-project-id']);
const RESERVED_HEADERS = new Set(['host', 'x-sdk-date', 'authorization']);
/** Visible ASCII, inner spaces allowed: a value every HTTP stack sends and reads back unchanged. */
const HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The headers to add to the request: `X-Sdk-Date` and `Authorization`. */
export function signRequest(keys: AkSk, request: SignableRequest, date: Date): SignatureHeaders {
  const xSdkDate = sdkDate(date);
  const headers = new Map<string, string>([
    ['host', request.url.host],
    ['x-sdk-date', xSdkDate],
  ]);
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) throw new TypeError(`signRequest sets the ${name} header itself`);
    if (!SIGNED_EXTRA_HEADERS.has(lower)) continue;
    if (headers.has(lower)) throw new TypeError(`header ${name} given twice`);
    if (!HEADER_VALUE.test(value)) throw new TypeError(`header ${name} has a value that cannot be signed: ${JSON.stringify(value)}`);
    headers.set(lower, value);
  }
  const query = canonicalQueryString(request.url);
  if (request.url.search.slice(1) !== query) throw new TypeError(`the query sent (${request.url.search}) is not the canonical one that would be signed (?${query})`);
  const names = [...headers.keys()].sort();
  const canonicalRequest = [
    request.method,
    canonicalUri(request.url.pathname),
    query,
    names.map((name) => `${name}:${headers.get(name)}\n`).join(''),
    names.join(';'),
    sha256Hex(request.body ?? ''),
  ].join('\n');
  const stringToSign = [SIGNING_ALGORITHM, xSdkDate, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', keys.sk).update(stringToSign).digest('hex');
  return { 'X-Sdk-Date': xSdkDate, Authorization: `${SIGNING_ALGORITHM} Access=${keys.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

/**
 * The SDK's `urlEncode`: UTF-8, every byte but `A-Z a-z 0-9 - _ . ~` as upper-case `%XX` (so a
 * space is `%20`, and `! ' ( ) *` are escaped too). Throws URIError on a lone surrogate.
 */
export function encodeComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `key=value` pairs sorted by raw key (UTF-16 code units), a repeated key's values sorted too, each side encoded, `&`-joined. */
export function canonicalQuery(params: Iterable<readonly [string, string]>): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of params) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  return [...byKey.keys()]
    .sort()
    .flatMap((key) => (byKey.get(key) ?? []).sort().map((value) => `${encodeComponent(key)}=${encodeComponent(value)}`))
    .join('&');
}

/** The canonical query string of a URL's parameters (decoded as a form would, then re-encoded). */
export function canonicalQueryString(url: URL): string {
  return canonicalQuery(url.searchParams);
}

/** Each `/`-separated segment of the (already percent-encoded) path encoded again, and a `/` at the end. */
export function canonicalUri(pathname: string): string {
  const uri = pathname.split('/').map(encodeComponent).join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** `X-Sdk-Date`: the UTC second, `YYYYMMDDTHHmmssZ`. */
export function sdkDate(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new RangeError('invalid signing date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
