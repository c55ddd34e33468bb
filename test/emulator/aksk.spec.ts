import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js';
import { request } from 'node:http';
import { stringify } from 'node:querystring';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DATE_SKEW_MS } from '../../src/emulator/aksk.js';
import { DEMO_ACCESS_KEYS, DEMO_TENANTS } from '../../src/emulator/options.js';
import { startEmulator, type Emulator, type RecordedRequest } from '../../src/emulator/server.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, get, listUrl, useEmulator, walk } from '../helpers/emulator-client.js';

/**
 * AK/SK-signed requests (SDK-HMAC-SHA256) against the emulator over real HTTP, signed by Huawei's
 * own SDK signer (`@huaweicloud/huaweicloud-sdk-core`, a dev dependency) as the oracle: what the
 * SDK signs, the emulator accepts; anything changed after signing, it refuses with 401 APIGW.0301.
 * The canonical query and URI alone, without HTTP: aksk-canonical.spec.ts.
 */

const DEMO_KEY = DEMO_ACCESS_KEYS[0]!;
const REGION = 'cn-north-4';
const PATH = `/v1/cloudimages/${REGION}`;

type Params = Record<string, string | string[]>;

interface Signed {
  /** The emulator to send to; default the file's. */
  to?: Emulator;
  /** Key to sign with; default the demo key. */
  key?: { ak: string; sk: string };
  /** The path the SDK signs and the request is sent to (as on the wire: escapes included). */
  path?: string;
  /** The query parameters the SDK signs. */
  params?: Params;
  /** The raw query sent; default what the SDK's HTTP client sends (`querystring.stringify`: spaces as %20). */
  wireQuery?: string;
  /** X-Sdk-Date to sign with; default now. */
  date?: string;
  /** Headers signed besides host and x-sdk-date. */
  signed?: Record<string, string>;
  /** Changes made to the headers after signing (tampering, dropping). */
  after?: (headers: Record<string, string>) => Record<string, string>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  requestId: string | undefined;
}

const emulator = useEmulator();

/** `YYYYMMDDTHHMMSSZ` of an instant (ms). */
function sdkDateAt(time: number): string {
  return new Date(time).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** The SDK's headers for a request to the emulator: its own `host`, `X-Sdk-Date`, `Authorization`, plus `signed`. */
function sdkHeaders(options: Signed): Record<string, string> {
  const key = options.key ?? DEMO_KEY;
  const credential = { getAk: () => key.ak, getSk: () => key.sk } as unknown as ICredential;
  const headers = { 'X-Sdk-Date': options.date ?? sdkDateAt(Date.now()), ...options.signed };
  return AKSKSigner.sign({ endpoint: `${(options.to ?? emulator).url}${options.path ?? PATH}`, method: 'GET', headers, queryParams: options.params ?? {} }, credential) as Record<string, string>;
}

/** A raw GET (node:http, nothing normalised) with exactly these headers. */
function send(target: string, headers: Record<string, string>, to: Emulator = emulator): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: to.port, path: target, method: 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON: left empty
        }
        const requestId = res.headers['x-request-id'];
        resolve({ status: res.statusCode ?? 0, body, text, requestId: typeof requestId === 'string' ? requestId : undefined });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Signs with the SDK, then sends (after `after`) the query as `wireQuery` says. */
function signedGet(options: Signed = {}): Promise<Answer> {
  const headers = sdkHeaders(options);
  const query = options.wireQuery ?? stringify(options.params ?? {});
  return send(`${options.path ?? PATH}${query ? `?${query}` : ''}`, options.after ? options.after({ ...headers }) : headers, options.to);
}

/** The 401 APIGW.0301 gateway body; returns its error_msg. */
function expectRefused(answer: Answer): string {
  expect(answer.status, answer.text).toBe(401);
  expect(Object.keys(answer.body).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
  expect(answer.body.error_code).toBe('APIGW.0301');
  expect(answer.body.request_id).toBe(answer.requestId);
  const message = answer.body.error_msg as string;
  expect(message).toMatch(/^Incorrect IAM authentication information: /);
  expect(message).not.toContain(DEMO_KEY.sk);
  return message;
}

function images(answer: Answer): ImageInfo[] {
  expect(answer.status, answer.text).toBe(200);
  return answer.body.images as ImageInfo[];
}

/** The Authorization header with one parameter replaced. */
function withAuthParam(name: 'Access' | 'SignedHeaders' | 'Signature', value: string): (headers: Record<string, string>) => Record<string, string> {
  return (headers) => ({ ...headers, Authorization: headers.Authorization!.replace(new RegExp(`${name}=[^,]*`), `${name}=${value}`) });
}

function lastEntry(): RecordedRequest {
  const entry = emulator.requests.at(-1);
  if (!entry) throw new Error('no request logged');
  return entry;
}

let aliceImages: ImageInfo[];

beforeAll(async () => {
  aliceImages = (await walk(emulator, REGION, {}, ALICE.token)).images;
});
beforeEach(() => {
  emulator.clearRequests();
});

describe('the demo access key', () => {
  it('is the documented pair, for alice, the first demo tenant', () => {
    expect(DEMO_ACCESS_KEYS).toEqual([{ ak: 'DEMOAKALICE00000000', sk: 'demo-sk-alice-not-a-secret', projectId: DEMO_TENANTS[0]!.projectId }]);
    expect(emulator.accessKeys).toEqual(DEMO_ACCESS_KEYS);
  });
});

describe('a correctly signed request', () => {
  it("lists alice's images, exactly as her token does", async () => {
    const params = { limit: '7', sort_key: 'name', sort_dir: 'asc', __imagetype: 'private' };
    const signed = images(await signedGet({ params }));
    const byToken = await get(listUrl(emulator, REGION, params), ALICE.token);
    expect(signed).toHaveLength(7);
    expect(signed).toEqual(JSON.parse(byToken.text).images);
    expect(signed.every((i) => i.owner === ALICE.projectId)).toBe(true);
  });

  it('logs auth "aksk" and the key\'s project, never the SK, the signature or the AK', async () => {
    const headers = sdkHeaders({ params: { limit: '1' } });
    await send(`${PATH}?limit=1`, headers);
    const entry = lastEntry();
    expect(entry).toMatchObject({ status: 200, auth: 'aksk', projectId: ALICE.projectId, query: { limit: '1' } });
    const logged = JSON.stringify(emulator.requests);
    const signature = /Signature=([0-9a-f]+)/.exec(headers.Authorization!)![1]!;
    for (const secret of [DEMO_KEY.sk, signature, DEMO_KEY.ak, headers.Authorization!]) expect(logged).not.toContain(secret);
  });

  it('with no query at all', async () => {
    expect(images(await signedGet())).toHaveLength(aliceImages.length > 500 ? 500 : aliceImages.length);
  });

  it('as the SDK sends it: BasicCredentials with a project id signs X-Project-Id too', async () => {
    const credentials = new BasicCredentials().withAk(DEMO_KEY.ak).withSk(DEMO_KEY.sk).withProjectId(ALICE.projectId);
    const params = { limit: 3, sort_key: 'created_at' };
    const prepared = await credentials.processAuthRequest(undefined as never, { endpoint: emulator.url, url: PATH, method: 'GET', headers: {}, queryParams: params });
    const headers = prepared.headers as Record<string, string>;
    expect(headers.Authorization).toMatch(/SignedHeaders=host;x-project-id;x-sdk-date,/);
    const answer = await send(`${PATH}?${stringify(params)}`, headers);
    expect(images(answer).map((i) => i.id)).toEqual(JSON.parse((await get(listUrl(emulator, REGION, params), ALICE.token)).text).images.map((i: ImageInfo) => i.id));
  });

  it('X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD (what the SDK sends without a JSON body) is honoured', async () => {
    const answer = await signedGet({ params: { limit: '2' }, signed: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } });
    expect(images(answer)).toHaveLength(2);
  });

  it('extra headers, signed (any case, inner spaces kept) or not', async () => {
    const answer = await signedGet({
      params: { limit: '2' },
      signed: { 'X-Custom-Thing': 'inner  spaces', 'content-type': 'application/json' },
      after: (headers) => ({ ...headers, 'User-Agent': 'added-after-signing' }),
    });
    expect(images(answer)).toHaveLength(2);
  });

  it('signed header values count trimmed: HTTP drops the spaces around a value in transit', async () => {
    // The canonical form trims (reference; Huawei's Go SDK). The Node.js SDK signs a value as given,
    // so only its padded values cannot verify: the spaces never arrive.
    const headers = sdkHeaders({ signed: { 'X-Custom-Thing': 'value' } });
    expect((await send(PATH, { ...headers, 'X-Custom-Thing': '   value \t' })).status).toBe(200);
    expectRefused(await signedGet({ signed: { 'X-Custom-Thing': '  padded  ' } }));
  });

  it('a date 14 minutes off, either way, is still in time', async () => {
    for (const offset of [-14, 14]) {
      expect((await signedGet({ params: { limit: '1' }, date: sdkDateAt(Date.now() + offset * 60_000) })).status).toBe(200);
    }
  });
});

describe('the canonical query: as the SDK signs it, however the client spells it on the wire', () => {
  const spacedName = (): string => {
    const name = aliceImages.find((i) => i.owner === ALICE.projectId && i.name.includes(' '))?.name;
    if (!name) throw new Error('alice has no private image with a space in its name');
    return name;
  };
  const cjkName = (): string => {
    const name = aliceImages.find((i) => /[\u4e00-\u9fff]/.test(i.name))?.name;
    if (!name) throw new Error('alice has no image with a CJK name');
    return name;
  };

  it.each<[string, (params: Params) => string]>([
    ['%20 for spaces (the SDK client: querystring)', (params) => stringify(params)],
    ['+ for spaces (form encoding: URLSearchParams)', (params) => new URLSearchParams(params as Record<string, string>).toString()],
    ['lower-case escapes, unsorted keys', (params) => stringify(params).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()).split('&').reverse().join('&')],
    ['raw !*\'() left unescaped (as encodeURIComponent does)', (params) => Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')],
  ])('a name with spaces and a CJK name, sent with %s', async (_label, spell) => {
    for (const name of [spacedName(), cjkName()]) {
      const params = { name, limit: '50' };
      const expected = aliceImages.filter((i) => i.name === name).map((i) => i.id);
      expect(expected.length).toBeGreaterThan(0);
      const answer = await signedGet({ params, wireQuery: spell(params) });
      expect(images(answer).map((i) => i.id).sort()).toEqual(expected.sort());
    }
  });

  it('reserved characters, emoji and a literal plus (%2B) in a value', async () => {
    const name = "a+b c/d?e&f=g#h%i~j*k'l!m(n)测试😀";
    const answer = await signedGet({ params: { name, limit: '1' } });
    expect(images(answer)).toEqual([]);
    expect(lastEntry().query).toEqual({ name, limit: '1' });
  });

  it('a repeated key: all its values are signed, sorted', async () => {
    const answer = await signedGet({ params: { status: ['queued', 'active'], limit: '1' }, wireQuery: 'status=queued&limit=1&status=active' });
    expect(answer.status, answer.text).toBe(200);
  });

  it('+ on the wire is a space: a value signed with a literal plus but sent as + is refused', async () => {
    const answer = await signedGet({ params: { name: 'a+b', limit: '1' }, wireQuery: 'name=a+b&limit=1' });
    expect(expectRefused(answer)).toMatch(/signature does not match/);
  });
});

describe('the canonical URI', () => {
  it('a path with escapes: the SDK\'s twice-encoded form is accepted, as is the once-encoded one', async () => {
    // The SDK signs `cn%20north` as `cn%2520north`; a region with non-ASCII letters it signs encoded once.
    for (const path of ['/v1/cloudimages/cn%20north', '/v1/cloudimages/%E5%8D%8E%E5%8C%97']) {
      const answer = await signedGet({ path, params: { limit: '1' } });
      expect(answer.status, answer.text).toBe(400); // authenticated; then the region is illegal
      expect(answer.body.error_code).toBe('IEC.000030');
    }
    const rawSigned = sdkHeaders({ path: '/v1/cloudimages/华北', params: { limit: '1' } });
    const answer = await send('/v1/cloudimages/%E5%8D%8E%E5%8C%97?limit=1', rawSigned);
    expect(answer.body.error_code).toBe('IEC.000030');
  });
});

describe('refused with 401 APIGW.0301, saying why', () => {
  it('a wrong SK: the signature does not match', async () => {
    const message = expectRefused(await signedGet({ key: { ak: DEMO_KEY.ak, sk: 'not-the-secret' }, params: { limit: '1' } }));
    expect(message).toMatch(/signature/);
    expect(lastEntry()).toMatchObject({ status: 401, auth: 'aksk' });
    expect(lastEntry().projectId).toBeUndefined();
  });

  it('an unknown AK', async () => {
    expect(expectRefused(await signedGet({ key: { ak: 'UNKNOWNAK0000000000', sk: DEMO_KEY.sk } }))).toMatch(/unknown access key/);
    expect(expectRefused(await signedGet({ key: { ak: DEMO_KEY.ak.toLowerCase(), sk: DEMO_KEY.sk } }))).toMatch(/unknown access key/);
  });

  it.each([-16, 16, -24 * 60])('X-Sdk-Date %i minutes off', async (minutes) => {
    const answer = await signedGet({ params: { limit: '1' }, date: sdkDateAt(Date.now() + minutes * 60_000) });
    expect(expectRefused(answer)).toMatch(/X-Sdk-Date more than 15 minutes off/);
    expect(MAX_DATE_SKEW_MS).toBe(15 * 60_000);
  });

  it.each([
    ['ISO 8601 with dashes', (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13)}`],
    ['no Z', (d: string) => d.slice(0, -1)],
    ['month 13', (d: string) => `${d.slice(0, 4)}13${d.slice(6)}`],
  ])('an X-Sdk-Date not in the form YYYYMMDDTHHMMSSZ: %s', async (_label, spoil) => {
    const answer = await signedGet({ params: { limit: '1' }, after: (headers) => ({ ...headers, 'X-Sdk-Date': spoil(headers['X-Sdk-Date']!) }) });
    expect(expectRefused(answer)).toMatch(/X-Sdk-Date .* is not in the form YYYYMMDDTHHMMSSZ/);
  });

  it('no X-Sdk-Date header', async () => {
    const answer = await signedGet({ after: ({ 'X-Sdk-Date': _dropped, ...rest }) => rest });
    expect(expectRefused(answer)).toMatch(/X-Sdk-Date missing/);
  });

  it('SignedHeaders without host, or without x-sdk-date, names the header', async () => {
    expect(expectRefused(await signedGet({ after: withAuthParam('SignedHeaders', 'x-sdk-date') }))).toMatch(/missing signed header host/);
    expect(expectRefused(await signedGet({ after: withAuthParam('SignedHeaders', 'host') }))).toMatch(/missing signed header x-sdk-date/);
  });

  it('a signed header that is not sent names it', async () => {
    const answer = await signedGet({ signed: { 'X-Project-Id': ALICE.projectId }, after: ({ 'X-Project-Id': _dropped, ...rest }) => rest });
    expect(expectRefused(answer)).toMatch(/missing signed header x-project-id/);
  });

  it('a query parameter changed, added or dropped after signing', async () => {
    const params = { limit: '2', name: 'ci build agent' };
    for (const wireQuery of ['limit=3&name=ci%20build%20agent', 'limit=2&name=ci%20build%20agent&sort_key=name', 'limit=2', 'limit=2&name=ci%20build%20agentx']) {
      expect(expectRefused(await signedGet({ params, wireQuery }))).toMatch(/signature does not match/);
    }
  });

  it('a signed header changed after signing, or another path', async () => {
    expect(expectRefused(await signedGet({ signed: { 'X-Custom': 'one' }, after: (h) => ({ ...h, 'X-Custom': 'two' }) }))).toMatch(/signature does not match/);
    expect(expectRefused(await signedGet({ after: (h) => ({ ...h, host: `localhost:${emulator.port}` }) }))).toMatch(/signature does not match/);
    const headers = sdkHeaders({ path: '/v1/cloudimages/cn-east-3' });
    expect(expectRefused(await send(PATH, headers))).toMatch(/signature does not match/);
  });

  it('a signature of a valid shape but wrong, in upper case, or cut short', async () => {
    expect(expectRefused(await signedGet({ after: withAuthParam('Signature', '0'.repeat(64)) }))).toMatch(/signature does not match/);
    const upper = await signedGet({ after: (h) => ({ ...h, Authorization: h.Authorization!.replace(/Signature=([0-9a-f]+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`) }) });
    expect(upper.status).toBe(200); // hex digits are hex digits
    const short = await signedGet({ after: (h) => ({ ...h, Authorization: h.Authorization!.slice(0, -1) }) });
    expect(expectRefused(short)).toMatch(/malformed Authorization header: Signature must be 64 hex digits/);
  });

  it.each([
    ['nothing after the algorithm', 'SDK-HMAC-SHA256'],
    ['no Access', 'SDK-HMAC-SHA256 SignedHeaders=host;x-sdk-date, Signature=' + 'a'.repeat(64)],
    ['no SignedHeaders', `SDK-HMAC-SHA256 Access=${DEMO_KEY.ak}, Signature=${'a'.repeat(64)}`],
    ['no Signature', `SDK-HMAC-SHA256 Access=${DEMO_KEY.ak}, SignedHeaders=host;x-sdk-date`],
    ['an unknown parameter', `SDK-HMAC-SHA256 Access=${DEMO_KEY.ak}, SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}, Extra=1`],
    ['a parameter twice', `SDK-HMAC-SHA256 Access=${DEMO_KEY.ak}, Access=${DEMO_KEY.ak}, SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}`],
    ['an empty header name', `SDK-HMAC-SHA256 Access=${DEMO_KEY.ak}, SignedHeaders=host;;x-sdk-date, Signature=${'a'.repeat(64)}`],
    ['no name=value', `SDK-HMAC-SHA256 Access=${DEMO_KEY.ak}, SignedHeaders, Signature=${'a'.repeat(64)}`],
  ])('a malformed Authorization: %s', async (_label, authorization) => {
    const answer = await signedGet({ after: (h) => ({ ...h, Authorization: authorization }) });
    expect(expectRefused(answer)).toMatch(/malformed Authorization header/);
  });

  it('never echoes the signature', async () => {
    const headers = sdkHeaders({ key: { ak: DEMO_KEY.ak, sk: 'wrong' } });
    const answer = await send(PATH, headers);
    const signature = /Signature=([0-9a-f]+)/.exec(headers.Authorization!)![1]!;
    expect(answer.text).not.toContain(signature);
    expect(answer.text).not.toContain(signature.slice(0, 16));
  });

  it('checks credentials before validating the query, like a token', async () => {
    const answer = await signedGet({ key: { ak: DEMO_KEY.ak, sk: 'wrong' }, params: { limit: 'abc' } });
    expectRefused(answer);
    expect((await signedGet({ params: { limit: 'abc' } })).body.error_code).toBe('IEC.000006');
  });
});

describe('X-Project-Id', () => {
  it("the key's own project, signed or not, is fine", async () => {
    expect((await signedGet({ signed: { 'X-Project-Id': ALICE.projectId } })).status).toBe(200);
    expect((await signedGet({ after: (h) => ({ ...h, 'X-Project-Id': ALICE.projectId }) })).status).toBe(200);
  });

  it("another project is refused, signed or added after signing: 401, the key does not stand for it", async () => {
    const signed = await signedGet({ signed: { 'X-Project-Id': BOB.projectId } });
    expect(expectRefused(signed)).toMatch(/X-Project-Id is not the project of this access key/);
    const added = await signedGet({ after: (h) => ({ ...h, 'X-Project-Id': BOB.projectId }) });
    expect(expectRefused(added)).toMatch(/X-Project-Id/);
    expect(lastEntry().projectId).toBeUndefined();
  });
});

describe('tokens keep working', () => {
  it('X-Auth-Token alone, logged as auth "token"', async () => {
    expect((await get(listUrl(emulator, REGION, { limit: 1 }), BOB.token)).status).toBe(200);
    expect(lastEntry()).toMatchObject({ auth: 'token', projectId: BOB.projectId });
    expect((await get(listUrl(emulator, REGION, { limit: 1 }), 'nope')).status).toBe(401);
    expect(lastEntry()).toMatchObject({ auth: 'token', status: 401 });
  });

  it('a token wins over a signature sent with it', async () => {
    const headers = { ...sdkHeaders({ key: { ak: DEMO_KEY.ak, sk: 'wrong' } }), 'X-Auth-Token': BOB.token };
    const answer = await send(PATH, headers);
    expect(answer.status).toBe(200);
    expect(lastEntry()).toMatchObject({ auth: 'token', projectId: BOB.projectId });
  });

  it('no credentials at all, or an Authorization of another scheme: x-auth-token not found, no auth logged', async () => {
    for (const headers of [{}, { Authorization: 'Bearer something' }] as Record<string, string>[]) {
      const message = expectRefused(await send(PATH, headers));
      expect(message).toMatch(/x-auth-token not found/);
      expect(lastEntry().auth).toBeUndefined();
    }
  });

  it('a 404 path needs no credentials and logs none', async () => {
    const answer = await signedGet({ path: '/v2/nothing' });
    expect(answer.status).toBe(404);
    expect(lastEntry().auth).toBeUndefined();
  });
});

describe('configured access keys', () => {
  it('map each key to its tenant; a token and a key of one project see the same images', async () => {
    const custom = await startEmulator({
      tenants: [
        { token: 'token-one', projectId: 'project-one' },
        { token: 'token-two', projectId: 'project-two' },
      ],
      aksk: [
        { ak: 'AKONE', sk: 'sk-one', projectId: 'project-one' },
        { ak: 'AKTWO', sk: 'sk-two', projectId: 'project-two' },
      ],
    });
    try {
      const byKey = images(await signedGet({ to: custom, key: { ak: 'AKTWO', sk: 'sk-two' }, params: { visibility: 'private', limit: '20' } }));
      expect(byKey.length).toBeGreaterThan(0);
      expect(byKey.every((i) => i.owner === 'project-two')).toBe(true);
      const byToken = await get(listUrl(custom, REGION, { visibility: 'private', limit: 20 }), 'token-two');
      expect(byKey).toEqual(JSON.parse(byToken.text).images);
      expectRefused(await signedGet({ to: custom, params: { limit: '1' } })); // the demo key is not there
    } finally {
      await custom.close();
    }
  });

  it('by default: the demo key with the demo tenants, none with tenants of other projects', async () => {
    const other = await startEmulator({ tenants: [{ token: 't', projectId: 'p' }] });
    const withAlice = await startEmulator({ tenants: [{ token: 't', projectId: ALICE.projectId }] });
    try {
      expect(other.accessKeys).toEqual([]);
      expect(withAlice.accessKeys).toEqual(DEMO_ACCESS_KEYS);
    } finally {
      await other.close();
      await withAlice.close();
    }
  });

  it.each<[string, { ak: string; sk: string; projectId: string }[], RegExp]>([
    ["a project that is none of the tenants'", [{ ak: 'AK1', sk: 'sk', projectId: 'nobody' }], /access key AK1 maps to project nobody, which is none of the tenants' projects/],
    ['an AK twice', [{ ak: 'AK1', sk: 'a', projectId: ALICE.projectId }, { ak: 'AK1', sk: 'b', projectId: BOB.projectId }], /access key AK1 is given twice/],
    ['an empty SK', [{ ak: 'AK1', sk: '', projectId: ALICE.projectId }], /SK must not be empty/],
    ['an empty AK', [{ ak: '', sk: 'sk', projectId: ALICE.projectId }], /AK must be non-empty/],
  ])('refuse to start: %s', async (_label, aksk, pattern) => {
    await expect(startEmulator({ aksk })).rejects.toThrow(pattern);
  });
});
