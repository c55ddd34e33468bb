import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessKey } from './options.js';

/**
 * The emulator's verifier of AK/SK-signed requests (`SDK-HMAC-SHA256`, the API gateway's IAM AK/SK
 * authentication), written from the signing rules (the reference's "Authentication") and checked in
 * the tests against Huawei's own SDK signer; nothing of the product's signer is used.
 *
 * The signature is recomputed from the request as received:
 *
 *     canonical request = METHOD \n canonical URI \n canonical query \n
 *                         (name:trimmed value \n) per signed header \n signed header names \n payload hash
 *     string to sign    = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(SHA-256(canonical request))
 *     signature         = hex(HMAC-SHA256(SK, string to sign))
 *
 * - canonical URI: the path as sent, each `/`-separated segment percent-decoded and re-encoded
 *   (below), ending in `/`. Huawei's own signers disagree when the path holds percent-escapes: the
 *   Node.js SDK encodes the path as it stands in the URL, escapes included (`cn%20north` is signed
 *   as `cn%2520north`), while the unescaped path encoded once gives `cn%20north`. A signature over
 *   either form is accepted; the two only differ for paths with a `%`, which no real region has;
 * - canonical query: the query string parsed as `application/x-www-form-urlencoded` (so `+` is a
 *   space, like `%20`: the same parse the listing itself acts on, so the signature covers exactly the
 *   values the answer depends on; a literal plus travels as `%2B`), keys sorted (UTF-16 code units,
 *   as the SDK's `Array.prototype.sort`), a repeated key's values sorted too, then `key=value` pairs
 *   re-encoded and joined with `&`;
 * - encoding: RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`) stay, every other UTF-8 byte
 *   becomes `%XX` in upper case (so `!*'()` are escaped too, unlike `encodeURIComponent`);
 * - payload hash: `UNSIGNED-PAYLOAD` when `X-Sdk-Content-Sha256` says so (the SDK sends that with
 *   requests that carry no JSON), else hex SHA-256 of the body as received (empty on this GET-only
 *   API; another declared hash is not trusted, so a wrong one makes the signature not match).
 */

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** How far X-Sdk-Date may be from the emulator's clock, either way. */
export const MAX_DATE_SKEW_MS = 15 * 60 * 1000;

/** Hex SHA-256 of an empty body. */
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** The headers a signature must cover. */
const REQUIRED_SIGNED_HEADERS = ['host', 'x-sdk-date'] as const;

/** Every message of a refused signature starts as the gateway's do. */
const PREFIX = 'Incorrect IAM authentication information: ';

export type AkskOutcome =
  /** `accessKey` is the AK (an identifier, no secret); the SK is never part of an outcome. */
  | { ok: true; projectId: string; accessKey: string }
  /** `message`: the gateway-style `error_msg` of the 401, saying what is wrong; it never holds the SK or the signature. */
  | { ok: false; message: string };

/** The request as received: `target` is the request target as sent (`req.url`: path and raw query). */
export interface ReceivedRequest {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  /** The body as received; absent means empty (the image API is GET only). */
  body?: Uint8Array | undefined;
}

/** Whether a request asks for AK/SK authentication: an `Authorization` header of the SDK-HMAC-SHA256 scheme. */
export function isSignedRequest(headers: IncomingHttpHeaders): boolean {
  const authorization = headers.authorization;
  return typeof authorization === 'string' && /^SDK-HMAC-SHA256(\s|$)/.test(authorization.trim());
}

export class AkskVerifier {
  private readonly keys: ReadonlyMap<string, AccessKey>;

  constructor(keys: readonly AccessKey[]) {
    this.keys = new Map(keys.map((k) => [k.ak, k]));
  }

  /**
   * Verifies a signed request at `now` (ms since the epoch). Checks, in order: the Authorization
   * header's shape; `host` and `x-sdk-date` among SignedHeaders; X-Sdk-Date's form and distance from
   * now; every signed header present; the AK known; the signature (compared in constant time); an
   * `X-Project-Id`, when sent, naming the key's project.
   */
  verify(request: ReceivedRequest, now: number = Date.now()): AkskOutcome {
    const authorization = parseAuthorization(headerValue(request.headers, 'authorization') ?? '');
    if (typeof authorization === 'string') {
      return refuse(`malformed Authorization header: ${authorization}; expected "${SIGNING_ALGORITHM} Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>"`);
    }
    const { accessKey, signedHeaders, signature } = authorization;

    for (const required of REQUIRED_SIGNED_HEADERS) {
      if (!signedHeaders.includes(required)) return refuse(`missing signed header ${required}: SignedHeaders must include host and x-sdk-date`);
    }

    const sdkDate = headerValue(request.headers, 'x-sdk-date');
    if (sdkDate === undefined) return refuse('X-Sdk-Date missing: a signed request carries its signing time as X-Sdk-Date, e.g. 20191115T033655Z');
    const signedAt = parseSdkDate(sdkDate);
    if (signedAt === undefined) return refuse(`X-Sdk-Date ${JSON.stringify(sdkDate)} is not in the form YYYYMMDDTHHMMSSZ (UTC)`);
    if (Math.abs(now - signedAt) > MAX_DATE_SKEW_MS) {
      return refuse(`X-Sdk-Date more than 15 minutes off the server time, signature time: ${sdkDate}, server time: ${formatSdkDate(now)}`);
    }

    for (const name of signedHeaders) {
      if (headerValue(request.headers, name) === undefined) return refuse(`missing signed header ${name}: it is listed in SignedHeaders but was not sent`);
    }

    const key = this.keys.get(accessKey);
    if (!key) return refuse('Get secretKey failed, err: unknown access key');

    const given = Buffer.from(signature, 'hex');
    let matches = false;
    for (const uriForm of URI_FORMS) {
      if (uriForm === 'as-sent' && !pathOf(request.target).includes('%')) continue; // the same canonical URI as 'decoded'
      // Every form is compared in constant time; no early exit on a match either.
      if (timingSafeEqual(Buffer.from(signRequest(key.sk, request, signedHeaders, sdkDate, uriForm), 'hex'), given)) matches = true;
    }
    if (!matches) {
      return refuse('verify aksk signature fail: signature does not match (recomputed from the method, path, query, signed headers and payload hash as received)');
    }

    const project = headerValue(request.headers, 'x-project-id');
    if (project !== undefined && project !== key.projectId) {
      return refuse('X-Project-Id is not the project of this access key');
    }
    return { ok: true, projectId: key.projectId, accessKey: key.ak };
  }
}

function refuse(detail: string): AkskOutcome {
  return { ok: false, message: PREFIX + detail };
}

interface Authorization {
  accessKey: string;
  /** Lower case, in the order sent. */
  signedHeaders: string[];
  /** 64 hex digits, lower case. */
  signature: string;
}

/** Reads `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`; a string says what is wrong. */
function parseAuthorization(value: string): Authorization | string {
  const match = /^SDK-HMAC-SHA256\s+(\S[\s\S]*)$/.exec(value.trim());
  if (!match) return 'no parameters after the algorithm';
  const params = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const trimmed = part.trim();
    const eq = trimmed.indexOf('=');
    if (eq <= 0) return `"${clip(trimmed)}" is not name=value`;
    const name = trimmed.slice(0, eq).trim();
    if (name !== 'Access' && name !== 'SignedHeaders' && name !== 'Signature') return `unknown parameter ${clip(name)}`;
    if (params.has(name)) return `${name} given twice`;
    params.set(name, trimmed.slice(eq + 1).trim());
  }
  const accessKey = params.get('Access');
  const signedHeaders = params.get('SignedHeaders');
  const signature = params.get('Signature');
  if (!accessKey) return 'Access missing or empty';
  if (!signedHeaders) return 'SignedHeaders missing or empty';
  if (signature === undefined || signature === '') return 'Signature missing or empty';
  const names = signedHeaders.split(';').map((n) => n.trim().toLowerCase());
  if (names.some((n) => !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(n))) return 'SignedHeaders must be header names separated by ";"';
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return 'Signature must be 64 hex digits';
  return { accessKey, signedHeaders: names, signature: signature.toLowerCase() };
}

/** At most 40 characters of what the client sent, for an error message (never a whole header). */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** A header as Node received it: repeated headers joined with `,`; undefined when absent. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

/** `YYYYMMDDTHHMMSSZ` as ms since the epoch; undefined when it is not that form or no real instant (month 13, 25 o'clock). */
function parseSdkDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  return formatSdkDate(time) === value ? time : undefined;
}

/** ms since the epoch as `YYYYMMDDTHHMMSSZ`. */
export function formatSdkDate(time: number): string {
  return new Date(time).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/**
 * How the path's segments become the canonical URI: `decoded` percent-decodes each, then encodes it
 * (the unescaped path encoded once); `as-sent` encodes each as it arrived (a `%XX` becomes `%25XX`,
 * what Huawei's Node.js SDK signs for a path holding escapes).
 */
export type UriForm = 'decoded' | 'as-sent';
const URI_FORMS: readonly UriForm[] = ['decoded', 'as-sent'];

/** The signature (hex) of a request as received, for one SK, signed headers (lower case, in order) and X-Sdk-Date. */
export function signRequest(sk: string, request: ReceivedRequest, signedHeaders: readonly string[], sdkDate: string, uriForm: UriForm = 'decoded'): string {
  const canonical = canonicalRequest(request, signedHeaders, uriForm);
  const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
  return createHmac('sha256', sk).update(stringToSign, 'utf8').digest('hex');
}

/** The canonical request of a request as received (see the top of this file). */
export function canonicalRequest(request: ReceivedRequest, signedHeaders: readonly string[], uriForm: UriForm = 'decoded'): string {
  const path = pathOf(request.target);
  const query = path.length < request.target.length ? request.target.slice(path.length + 1) : '';
  const headers = signedHeaders.map((name) => `${name}:${(headerValue(request.headers, name) ?? '').trim()}\n`).join('');
  return [request.method.toUpperCase(), canonicalUri(path, uriForm), canonicalQueryString(query), headers, signedHeaders.join(';'), payloadHash(request)].join('\n');
}

/** The path of a request target (before any `?`). */
function pathOf(target: string): string {
  const queryStart = target.indexOf('?');
  return queryStart < 0 ? target : target.slice(0, queryStart);
}

/** The path's segments, percent-decoded (`decoded`; a bad escape is kept as sent) or not (`as-sent`), encoded, ending in `/`. */
export function canonicalUri(path: string, uriForm: UriForm = 'decoded'): string {
  const uri = path
    .split('/')
    .map((segment) => uriEncode(uriForm === 'decoded' ? decodeOrKeep(segment) : segment))
    .join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** The raw query string (without `?`) parsed as a form (`+` is a space), sorted and re-encoded. */
export function canonicalQueryString(query: string): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(query)) {
    const values = byKey.get(key);
    if (values) values.push(value);
    else byKey.set(key, [value]);
  }
  return [...byKey.keys()]
    .sort()
    .flatMap((key) => byKey.get(key)!.sort().map((value) => `${uriEncode(key)}=${uriEncode(value)}`))
    .join('&');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** RFC 3986 encoding: unreserved characters stay, every other UTF-8 byte is `%XX` (upper case). */
export function uriEncode(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeOrKeep(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function payloadHash(request: ReceivedRequest): string {
  const declared = headerValue(request.headers, 'x-sdk-content-sha256')?.trim();
  if (declared === UNSIGNED_PAYLOAD) return UNSIGNED_PAYLOAD;
  // Any other declared hash is not trusted: the body's own hash is what the signature must cover.
  return request.body && request.body.length > 0 ? createHash('sha256').update(request.body).digest('hex') : EMPTY_BODY_SHA256;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
