import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPTED_ALGORITHMS,
  CallerAuthError,
  CallerAuthUnavailableError,
  createCallerAuth,
  useCallerAuth,
  type CallerAuth,
  type CallerAuthOptions,
  type JwtOptions,
} from '../../src/http/caller-auth.js';
import { sendJson, type Exchange } from '../../src/http/exchange.js';

/** Caller authentication (issue 10): JWTs against a loopback JWKS server, API keys, and the /graphql middleware over real HTTP. */

const ISSUER = 'https://login.example.com/realms/company';
const AUDIENCE = 'cloudimages-graphql';
const API_KEYS = ['machine-key-one-0123456789abcdef', 'machine-key-two-fedcba9876543210'];

// ---- helpers ---------------------------------------------------------------------------------

interface TestKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(alg: string, kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface JwksServer {
  url: string;
  /** GETs of /jwks.json answered so far (whatever the answer). */
  fetches: number;
  keys: JWK[];
  /** 'ok': the set; 'error': HTTP 500; 'hang': no answer at all. */
  behaviour: 'ok' | 'error' | 'hang';
  close(): Promise<void>;
}

async function startJwks(keys: JWK[]): Promise<JwksServer> {
  let server: Server;
  const jwks: JwksServer = {
    url: '',
    fetches: 0,
    keys,
    behaviour: 'ok',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server = createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    jwks.fetches += 1;
    if (jwks.behaviour === 'hang') return;
    if (jwks.behaviour === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: jwks.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  return jwks;
}

/** A loopback URL nothing listens on (connection refused). */
async function deadUrl(): Promise<string> {
  const server = await startJwks([]);
  await server.close();
  return server.url;
}

const now = (): number => Math.floor(Date.now() / 1000);

interface TokenOptions {
  claims?: JWTPayload;
  /** Omit a claim the default token has. */
  omit?: (keyof JWTPayload)[];
  kid?: string | null;
}

function sign(key: TestKey, { claims = {}, omit = [], kid }: TokenOptions = {}): Promise<string> {
  const payload: JWTPayload = { iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now(), exp: now() + 300, ...claims };
  for (const claim of omit) delete payload[claim];
  const header = kid === null ? { alg: key.alg } : { alg: key.alg, kid: kid ?? key.kid };
  return new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwtOptions(jwks: JwksServer | string, extra: Partial<JwtOptions> = {}): JwtOptions {
  return { jwksUrl: typeof jwks === 'string' ? jwks : jwks.url, issuer: ISSUER, audience: AUDIENCE, ...extra };
}

function auth(options: Partial<CallerAuthOptions> & { jwt?: JwtOptions }): CallerAuth {
  return createCallerAuth({ apiKeys: [], mode: 'required', ...options });
}

const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });

/** The error `authenticate` rejects with (fails the test if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (caller) => ({ caller }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.caller)}`);
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error;
}

/** A 401 whose message matches, and which echoes no part of the token. */
async function expect401(promise: Promise<unknown>, message: RegExp, token?: string): Promise<void> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(CallerAuthError);
  expect(error.message).toMatch(message);
  for (const part of token?.split('.').filter((p) => p.length > 8) ?? []) expect(error.message).not.toContain(part);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- JWTs ------------------------------------------------------------------------------------

describe('bearer JWTs', () => {
  let rsa: TestKey;
  let ec: TestKey;
  let stranger: TestKey;
  let jwks: JwksServer;
  let callers: CallerAuth;

  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([makeKey('RS256', 'rsa-1'), makeKey('ES256', 'ec-1'), makeKey('RS256', 'ghost')]);
    jwks = await startJwks([rsa.jwk, ec.jwk]);
    callers = auth({ jwt: jwtOptions(jwks) });
  });
  afterAll(async () => {
    await jwks.close();
  });

  it.each(['rsa', 'ec'] as const)('accepts a valid %s token and names its subject', async (which) => {
    const key = which === 'rsa' ? rsa : ec;
    await expect(callers.authenticate(bearer(await sign(key, { claims: { sub: `sub-${which}` } })))).resolves.toEqual({ kind: 'jwt', subject: `sub-${which}` });
  });

  it('accepts PS256, ES384, ES512 and EdDSA too, and a token without a subject', async () => {
    const keys = await Promise.all([makeKey('PS256', 'ps'), makeKey('ES384', 'es384'), makeKey('ES512', 'es512'), makeKey('EdDSA', 'ed')]);
    const server = await startJwks(keys.map((k) => k.jwk));
    try {
      const own = auth({ jwt: jwtOptions(server) });
      for (const key of keys) await expect(own.authenticate(bearer(await sign(key)))).resolves.toEqual({ kind: 'jwt', subject: 'alice' });
      await expect(own.authenticate(bearer(await sign(keys[0]!, { omit: ['sub'] })))).resolves.toEqual({ kind: 'jwt', subject: undefined });
    } finally {
      await server.close();
    }
  });

  it("accepts Ed25519 (RFC 9864's fully-specified name) as well as EdDSA, each from a key published for it or from one published without alg", async () => {
    const [eddsa, ed25519] = await Promise.all([makeKey('EdDSA', 'ed-eddsa'), makeKey('Ed25519', 'ed-25519')]);
    const bare: JWK = { ...(await exportJWK(eddsa.publicKey)), kid: 'ed-bare' };
    const server = await startJwks([eddsa.jwk, ed25519.jwk, bare]);
    try {
      expect([eddsa.jwk, ed25519.jwk].map((jwk) => [jwk.kty, jwk.crv, jwk.alg])).toEqual([
        ['OKP', 'Ed25519', 'EdDSA'],
        ['OKP', 'Ed25519', 'Ed25519'],
      ]);
      const own = auth({ jwt: jwtOptions(server) });
      const accepted = async (key: TestKey, kid?: string): Promise<void> => {
        const token = await sign(key, { kid, claims: { sub: `${key.alg}-${kid ?? key.kid}` } });
        expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: key.alg, kid: kid ?? key.kid });
        await expect(own.authenticate(bearer(token))).resolves.toEqual({ kind: 'jwt', subject: `${key.alg}-${kid ?? key.kid}` });
      };
      await accepted(eddsa);
      await accepted(ed25519);
      // The key without alg serves either name; its private half signs as both.
      await accepted(eddsa, 'ed-bare');
      await accepted({ ...eddsa, alg: 'Ed25519' }, 'ed-bare');
      // A published alg is binding: an Ed25519 token finds no key under a kid published for EdDSA.
      await expect401(own.authenticate(bearer(await sign({ ...eddsa, alg: 'Ed25519' }))), /signing key is unknown/);
    } finally {
      await server.close();
    }
  });

  it('accepts the Bearer scheme in any case', async () => {
    await expect(callers.authenticate({ authorization: `bearer ${await sign(rsa)}` })).resolves.toMatchObject({ kind: 'jwt' });
  });

  it('refuses an expired token, but not one expired within the 30 s clock tolerance', async () => {
    const token = await sign(rsa, { claims: { exp: now() - 120, iat: now() - 600 } });
    await expect401(callers.authenticate(bearer(token)), /^The bearer token has expired\.$/, token);
    await expect(callers.authenticate(bearer(await sign(rsa, { claims: { exp: now() - 10 } })))).resolves.toMatchObject({ kind: 'jwt' });
  });

  it('refuses a token that is not valid yet, but not one within the clock tolerance', async () => {
    const token = await sign(rsa, { claims: { nbf: now() + 600 } });
    await expect401(callers.authenticate(bearer(token)), /not valid yet/, token);
    await expect(callers.authenticate(bearer(await sign(rsa, { claims: { nbf: now() + 10 } })))).resolves.toMatchObject({ kind: 'jwt' });
  });

  it('refuses a token without an expiry', async () => {
    await expect401(callers.authenticate(bearer(await sign(rsa, { omit: ['exp'] }))), /no expiry \(exp\)/);
  });

  it('refuses a wrong or missing issuer', async () => {
    const token = await sign(rsa, { claims: { iss: 'https://evil.example.com' } });
    await expect401(callers.authenticate(bearer(token)), /issuer this server does not trust/, token);
    await expect401(callers.authenticate(bearer(await sign(rsa, { omit: ['iss'] }))), /no issuer/);
  });

  it('refuses a wrong or missing audience; an audience list naming this API is fine', async () => {
    const token = await sign(rsa, { claims: { aud: 'some-other-api' } });
    await expect401(callers.authenticate(bearer(token)), /another audience/, token);
    await expect401(callers.authenticate(bearer(await sign(rsa, { omit: ['aud'] }))), /no audience/);
    await expect(callers.authenticate(bearer(await sign(rsa, { claims: { aud: ['x', AUDIENCE] } })))).resolves.toMatchObject({ kind: 'jwt' });
  });

  it('refuses an unknown key id', async () => {
    const token = await sign(stranger);
    await expect401(callers.authenticate(bearer(token)), /signing key is unknown.*key id/, token);
  });

  it('refuses a token whose key id is known but whose signature another key made', async () => {
    const token = await sign(stranger, { kid: rsa.kid });
    await expect401(callers.authenticate(bearer(token)), /signature is invalid/, token);
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await sign(rsa, { claims: { sub: 'alice' } })).split('.');
    const forged = `${header}.${b64url({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now() + 300 })}.${signature}`;
    await expect401(callers.authenticate(bearer(forged)), /signature is invalid/, forged);
  });

  it('refuses an unsigned token (alg none), without fetching keys', async () => {
    const fresh = await startJwks([rsa.jwk]);
    try {
      const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now() + 300 })}.`;
      await expect401(auth({ jwt: jwtOptions(fresh) }).authenticate(bearer(token)), /unsigned \(alg "none"\); accepted: RS256, /, token);
      expect(fresh.fetches).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("refuses HS256 signed with the public key (its PEM, its JWK) as the secret: algorithm confusion", async () => {
    const pem = await exportSPKI(rsa.publicKey);
    for (const secret of [pem, JSON.stringify(rsa.jwk), rsa.jwk.n!]) {
      const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: now() + 300 })
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .sign(new TextEncoder().encode(secret));
      await expect401(callers.authenticate(bearer(token)), /signed with HS256, which is not accepted; accepted: RS256, RS384/, token);
    }
    expect(ACCEPTED_ALGORITHMS).not.toContain('none');
    expect(ACCEPTED_ALGORITHMS.filter((alg) => alg.startsWith('HS'))).toEqual([]);
  });

  it('does not repeat an odd alg value back', async () => {
    const token = `${b64url({ alg: '<script>alert(1)</script>' })}.${b64url({ sub: 'x' })}.c2ln`;
    await expect401(callers.authenticate(bearer(token)), /^The bearer token is signed with an algorithm, which is not accepted/, token);
  });

  it('refuses what is no JWT at all, and an Authorization that is not Bearer', async () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d.e', `${'a'.repeat(17_000)}.b.c`]) {
      await expect401(callers.authenticate(bearer(token)), /is not a JWT/);
    }
    await expect401(callers.authenticate({ authorization: 'Bearer' }), /must be "Bearer <token>"/);
    await expect401(callers.authenticate({ authorization: '' }), /must be "Bearer <token>"/);
    await expect401(callers.authenticate({ authorization: 'Basic YWxpY2U6c2VjcmV0' }), /must be "Bearer <token>"/);
    await expect401(callers.authenticate({ authorization: `${b64url({ alg: 'RS256' })}.e30.c2ln` }), /must be "Bearer <token>"/);
  });

  it('refuses a header that is no JSON (malformed), not a server error', async () => {
    const token = `${Buffer.from('{oops').toString('base64url')}.${b64url({ sub: 'x' })}.c2ln`;
    await expect401(callers.authenticate(bearer(token)), /malformed/, token);
  });

  it('without a key id: accepted when one of the keys of its type verifies it, refused when none does', async () => {
    const second = await makeKey('RS256', 'rsa-2');
    const server = await startJwks([second.jwk, rsa.jwk]);
    try {
      const own = auth({ jwt: jwtOptions(server) });
      await expect(own.authenticate(bearer(await sign(rsa, { kid: null })))).resolves.toMatchObject({ kind: 'jwt' });
      await expect401(own.authenticate(bearer(await sign(stranger, { kid: null }))), /signature is invalid/);
      // The claims are still checked on the key that verifies.
      await expect401(own.authenticate(bearer(await sign(rsa, { kid: null, claims: { aud: 'other' } }))), /another audience/);
    } finally {
      await server.close();
    }
  });
});

// ---- the key set: cache, rotation, outages ---------------------------------------------------

describe('the key set', () => {
  let one: TestKey;
  let two: TestKey;
  const servers: JwksServer[] = [];
  const serve = async (keys: JWK[]): Promise<JwksServer> => {
    const server = await startJwks(keys);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    [one, two] = await Promise.all([makeKey('RS256', 'key-2024'), makeKey('ES256', 'key-2025')]);
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('is fetched once for many requests, concurrent or not', async () => {
    const jwks = await serve([one.jwk]);
    const callers = auth({ jwt: jwtOptions(jwks) });
    const token = await sign(one);
    const results = await Promise.all(Array.from({ length: 50 }, () => callers.authenticate(bearer(token))));
    expect(results.every((caller) => caller.kind === 'jwt')).toBe(true);
    for (let i = 0; i < 50; i += 1) await callers.authenticate(bearer(await sign(one, { claims: { sub: `user-${i}` } })));
    expect(jwks.fetches).toBe(1);
  });

  it('an unknown key id causes no refetch while the cooldown lasts', async () => {
    const jwks = await serve([one.jwk]);
    const callers = auth({ jwt: jwtOptions(jwks, { cooldownMs: 60_000 }) });
    await callers.authenticate(bearer(await sign(one)));
    for (let i = 0; i < 5; i += 1) await expect401(callers.authenticate(bearer(await sign(two))), /signing key is unknown/);
    expect(jwks.fetches).toBe(1);
  });

  it('follows key rotation: a new key id is accepted once the set is refetched, after the cooldown; the removed key is refused', async () => {
    const jwks = await serve([one.jwk]);
    const callers = auth({ jwt: jwtOptions(jwks, { cooldownMs: 500 }) });
    await expect(callers.authenticate(bearer(await sign(one)))).resolves.toMatchObject({ kind: 'jwt' });
    expect(jwks.fetches).toBe(1);

    // The provider rotates: the new key is published and the old one withdrawn.
    jwks.keys = [two.jwk];
    // Within the cooldown the cached set is all there is.
    await expect401(callers.authenticate(bearer(await sign(two))), /signing key is unknown/);
    expect(jwks.fetches).toBe(1);

    await sleep(600);
    await expect(callers.authenticate(bearer(await sign(two, { claims: { sub: 'bob' } })))).resolves.toEqual({ kind: 'jwt', subject: 'bob' });
    expect(jwks.fetches).toBe(2);
    // The old key is gone from the refetched set (and the cooldown keeps it from fetching again).
    await expect401(callers.authenticate(bearer(await sign(one))), /signing key is unknown/);
    expect(jwks.fetches).toBe(2);
  });

  it('a set past its max age is fetched again', async () => {
    const jwks = await serve([one.jwk]);
    const callers = auth({ jwt: jwtOptions(jwks, { cacheMaxAgeMs: 100 }) });
    await callers.authenticate(bearer(await sign(one)));
    await sleep(150);
    await callers.authenticate(bearer(await sign(one)));
    expect(jwks.fetches).toBe(2);
  });

  it('unreachable (connection refused): CallerAuthUnavailableError (503), not a 401', async () => {
    const callers = auth({ jwt: jwtOptions(await deadUrl(), { failureBackoffMs: 10_000 }) });
    const token = await sign(one);
    const error = await refusal(callers.authenticate(bearer(token)));
    expect(error).toBeInstanceOf(CallerAuthUnavailableError);
    expect(error).not.toBeInstanceOf(CallerAuthError);
    expect(error).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 10 });
    expect(error.message).toMatch(/signing keys could not be fetched/);
    expect(error.message).not.toContain(token.split('.')[1]);
  });

  it('answering 500: unavailable, and the back-off holds further fetches; after it, a recovered set serves', async () => {
    const jwks = await serve([one.jwk]);
    jwks.behaviour = 'error';
    const callers = auth({ jwt: jwtOptions(jwks, { failureBackoffMs: 600 }) });
    const token = await sign(one);
    await expect(callers.authenticate(bearer(token))).rejects.toBeInstanceOf(CallerAuthUnavailableError);
    await expect(callers.authenticate(bearer(token))).rejects.toBeInstanceOf(CallerAuthUnavailableError);
    expect(jwks.fetches).toBe(1);
    jwks.behaviour = 'ok';
    await sleep(650);
    await expect(callers.authenticate(bearer(token))).resolves.toMatchObject({ kind: 'jwt' });
    expect(jwks.fetches).toBe(2);
  });

  it('not answering: unavailable after the fetch timeout', async () => {
    const jwks = await serve([one.jwk]);
    jwks.behaviour = 'hang';
    const callers = auth({ jwt: jwtOptions(jwks, { timeoutMs: 200 }) });
    const started = Date.now();
    await expect(callers.authenticate(bearer(await sign(one)))).rejects.toBeInstanceOf(CallerAuthUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answering something that is no key set: unavailable', async () => {
    const jwks = await serve([one.jwk]);
    const callers = auth({ jwt: jwtOptions(`${jwks.url.replace('/jwks.json', '/elsewhere')}`) });
    await expect(callers.authenticate(bearer(await sign(one)))).rejects.toBeInstanceOf(CallerAuthUnavailableError);
  });

  it('when a refetch fails, the last good set keeps serving (stale-if-error); a key id it does not know is then 503, not 401', async () => {
    const jwks = await serve([one.jwk]);
    const callers = auth({ jwt: jwtOptions(jwks, { cacheMaxAgeMs: 100, failureBackoffMs: 10_000 }) });
    await callers.authenticate(bearer(await sign(one)));
    jwks.behaviour = 'error';
    await sleep(150);
    // The set is past its age: a refetch is tried, fails, and the stale set verifies.
    await expect(callers.authenticate(bearer(await sign(one)))).resolves.toMatchObject({ kind: 'jwt' });
    expect(jwks.fetches).toBe(2);
    // During the back-off, no fetch at all; the stale set still serves.
    await expect(callers.authenticate(bearer(await sign(one)))).resolves.toMatchObject({ kind: 'jwt' });
    await expect(callers.authenticate(bearer(await sign(two)))).rejects.toBeInstanceOf(CallerAuthUnavailableError);
    // Claims are still checked against the stale set's key.
    await expect401(callers.authenticate(bearer(await sign(one, { claims: { exp: now() - 600 } }))), /expired/);
    expect(jwks.fetches).toBe(2);
  });

  it('a stale set older than staleIfErrorMs does not serve', async () => {
    const jwks = await serve([one.jwk]);
    const callers = auth({ jwt: jwtOptions(jwks, { cacheMaxAgeMs: 50, staleIfErrorMs: 100 }) });
    await callers.authenticate(bearer(await sign(one)));
    jwks.behaviour = 'error';
    await sleep(150);
    await expect(callers.authenticate(bearer(await sign(one)))).rejects.toBeInstanceOf(CallerAuthUnavailableError);
  });

  it('refuses a plain-http key set URL that is not loopback', () => {
    expect(() => auth({ jwt: jwtOptions('http://idp.example.com/jwks.json') })).toThrow(/must be https/);
    expect(() => auth({ jwt: jwtOptions('https://idp.example.com/jwks.json') })).not.toThrow();
  });
});

// ---- API keys and the two together -----------------------------------------------------------

describe('API keys', () => {
  const callers = auth({ apiKeys: API_KEYS });

  it('accepts a configured key and says which', async () => {
    await expect(callers.authenticate({ 'x-api-key': API_KEYS[0] })).resolves.toEqual({ kind: 'api-key', keyIndex: 0 });
    await expect(callers.authenticate({ 'x-api-key': API_KEYS[1] })).resolves.toEqual({ kind: 'api-key', keyIndex: 1 });
  });

  it('refuses an unknown key, a prefix or extension of a real one, without repeating it', async () => {
    for (const key of ['nope', API_KEYS[0]!.slice(0, -1), `${API_KEYS[0]}x`, API_KEYS[0]!.toUpperCase()]) {
      const error = await refusal(callers.authenticate({ 'x-api-key': key }));
      expect(error).toBeInstanceOf(CallerAuthError);
      expect(error.message).toBe('The API key is not valid.');
    }
  });

  it('refuses an empty key, and several keys', async () => {
    await expect401(callers.authenticate({ 'x-api-key': '' }), /X-Api-Key header is empty/);
    await expect401(callers.authenticate({ 'x-api-key': [API_KEYS[0]!, API_KEYS[1]!] }), /one X-Api-Key header/);
    await expect401(callers.authenticate({ 'x-api-key': `${API_KEYS[0]}, ${API_KEYS[1]}` }), /one X-Api-Key header/);
  });

  it('refuses a request with no credential, naming what to send; X-Auth-Token is none', async () => {
    await expect401(callers.authenticate({}), /^Authentication required: send an API key in X-Api-Key\.$/);
    await expect401(callers.authenticate({ 'x-auth-token': 'demo-token-alice' }), /Authentication required/);
  });

  it('refuses a bearer token when no JWT issuer is configured', async () => {
    await expect401(callers.authenticate({ authorization: 'Bearer a.b.c' }), /does not accept bearer tokens; send an API key in X-Api-Key/);
    // Even beside a valid key.
    await expect401(callers.authenticate({ authorization: 'Bearer a.b.c', 'x-api-key': API_KEYS[0] }), /does not accept bearer tokens/);
  });

  it('refuses configurations that would let everyone in or hold an empty key', () => {
    expect(() => createCallerAuth({ apiKeys: [], mode: 'required' })).toThrow(/neither a JWT issuer nor an API key/);
    expect(() => createCallerAuth({ apiKeys: ['ok-key', ''], mode: 'required' })).toThrow(/must not be empty/);
  });
});

describe('both kinds configured', () => {
  let key: TestKey;
  let jwks: JwksServer;
  let callers: CallerAuth;

  beforeAll(async () => {
    key = await makeKey('ES256', 'both');
    jwks = await startJwks([key.jwk]);
    callers = auth({ jwt: jwtOptions(jwks), apiKeys: API_KEYS });
  });
  afterAll(async () => {
    await jwks.close();
  });

  it('either one alone lets the caller in; both valid: the JWT names the caller', async () => {
    const token = await sign(key, { claims: { sub: 'carol' } });
    await expect(callers.authenticate(bearer(token))).resolves.toEqual({ kind: 'jwt', subject: 'carol' });
    await expect(callers.authenticate({ 'x-api-key': API_KEYS[1] })).resolves.toEqual({ kind: 'api-key', keyIndex: 1 });
    await expect(callers.authenticate({ ...bearer(token), 'x-api-key': API_KEYS[1] })).resolves.toEqual({ kind: 'jwt', subject: 'carol' });
  });

  it('an invalid credential refuses the request even beside a valid one', async () => {
    const good = await sign(key);
    const expired = await sign(key, { claims: { exp: now() - 600 } });
    await expect401(callers.authenticate({ ...bearer(expired), 'x-api-key': API_KEYS[0] }), /expired/, expired);
    await expect401(callers.authenticate({ ...bearer(good), 'x-api-key': 'wrong-key' }), /API key is not valid/, good);
    await expect401(callers.authenticate({ ...bearer(good), 'x-api-key': '' }), /empty/, good);
  });

  it('a bad API key is refused before any key-set fetch', async () => {
    const server = await startJwks([key.jwk]);
    try {
      const own = auth({ jwt: jwtOptions(server), apiKeys: API_KEYS });
      await expect401(own.authenticate({ ...bearer(await sign(key)), 'x-api-key': 'wrong-key' }), /API key is not valid/);
      expect(server.fetches).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('names both ways in when nothing is sent', async () => {
    await expect401(callers.authenticate({}), /^Authentication required: send Authorization: Bearer <token> from the identity provider or an API key in X-Api-Key\.$/);
  });
});

describe("mode 'none'", () => {
  it('lets everyone in as anonymous and looks at no credential', async () => {
    const jwks = await startJwks([]);
    try {
      const open = createCallerAuth({ mode: 'none', apiKeys: API_KEYS, jwt: jwtOptions(jwks) });
      for (const headers of [{}, { 'x-api-key': 'wrong' }, { authorization: 'Bearer garbage' }, { 'x-api-key': API_KEYS[0] }]) {
        await expect(open.authenticate(headers)).resolves.toEqual({ kind: 'anonymous' });
      }
      expect(jwks.fetches).toBe(0);
      await expect(createCallerAuth({ mode: 'none', apiKeys: [] }).authenticate({})).resolves.toEqual({ kind: 'anonymous' });
    } finally {
      await jwks.close();
    }
  });
});

// ---- the gate over real HTTP -----------------------------------------------------------

describe('useCallerAuth over HTTP', () => {
  let key: TestKey;
  let jwks: JwksServer;
  let reached = 0;
  const servers: Server[] = [];

  async function listen(callers: CallerAuth): Promise<string> {
    const gate = useCallerAuth(callers);
    // The gate, then a handler answering with the caller it found; an error the gate throws becomes a 500.
    const server = createServer((req, res) => {
      const exchange: Exchange = { req, res, requestId: 'test', path: '/graphql' };
      gate(exchange).then(
        (passed) => {
          if (!passed) return;
          reached += 1;
          if (req.method === 'OPTIONS') {
            res.writeHead(204, { 'x-reached': 'yes' }).end();
            return;
          }
          sendJson(res, 200, { caller: exchange.caller });
        },
        (error: unknown) => {
          sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }], name: (error as Error).name });
        },
      );
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }

  beforeAll(async () => {
    key = await makeKey('RS256', 'http-key');
    jwks = await startJwks([key.jwk]);
  });
  afterEach(() => {
    reached = 0;
  });
  afterAll(async () => {
    await jwks.close();
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  });

  const post = (url: string, headers: Record<string, string>): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ __typename }"}' });

  it('lets a valid caller through, with the caller on the exchange', async () => {
    reached = 0;
    const url = await listen(auth({ jwt: jwtOptions(jwks), apiKeys: API_KEYS }));
    const byJwt = await post(url, bearer(await sign(key, { claims: { sub: 'dave' } })));
    expect(byJwt.status).toBe(200);
    expect(await byJwt.json()).toEqual({ caller: { kind: 'jwt', subject: 'dave' } });
    const byKey = await post(url, { 'x-api-key': API_KEYS[0]! });
    expect(await byKey.json()).toEqual({ caller: { kind: 'api-key', keyIndex: 0 } });
    expect(reached).toBe(2);
  });

  it('answers 401 GraphQL-shaped JSON with WWW-Authenticate, never reaching the handler nor echoing the credential', async () => {
    reached = 0;
    const url = await listen(auth({ jwt: jwtOptions(jwks), apiKeys: API_KEYS }));
    const expired = await sign(key, { claims: { exp: now() - 600 } });
    const cases: { headers: Record<string, string>; message: RegExp; challenge: string; secret?: string }[] = [
      { headers: {}, message: /^Authentication required/, challenge: 'Bearer' },
      { headers: { 'x-auth-token': 'demo-token-alice' }, message: /^Authentication required/, challenge: 'Bearer', secret: 'demo-token-alice' },
      { headers: bearer(expired), message: /^The bearer token has expired\.$/, challenge: 'Bearer error="invalid_token"', secret: expired },
      { headers: { 'x-api-key': 'super-secret-wrong-key' }, message: /^The API key is not valid\.$/, challenge: 'Bearer', secret: 'super-secret-wrong-key' },
      { headers: { ...bearer(await sign(key)), 'x-api-key': 'super-secret-wrong-key' }, message: /API key is not valid/, challenge: 'Bearer', secret: 'super-secret-wrong-key' },
    ];
    for (const { headers, message, challenge, secret } of cases) {
      const response = await post(url, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('www-authenticate')).toBe(challenge);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const text = await response.text();
      for (const part of secret?.split('.') ?? []) expect(text).not.toContain(part);
      const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body).toEqual({ errors: [{ message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    expect(reached).toBe(0);
  });

  it('lets a CORS preflight (OPTIONS) through untouched, credential or not', async () => {
    reached = 0;
    const url = await listen(auth({ apiKeys: API_KEYS }));
    const response = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('x-reached')).toBe('yes');
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(reached).toBe(1);
  });

  it('answers 503 UPSTREAM_UNAVAILABLE with Retry-After when the key set cannot be fetched', async () => {
    const url = await listen(auth({ jwt: jwtOptions(await deadUrl(), { failureBackoffMs: 7_000 }) }));
    const token = await sign(key);
    const response = await post(url, bearer(token));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('www-authenticate')).toBeNull();
    const text = await response.text();
    expect(text).not.toContain(token.split('.')[2]);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: expect.stringMatching(/signing keys could not be fetched/), extensions: { code: 'UPSTREAM_UNAVAILABLE' } }] });
  });

  it('passes any other error on to the error handler', async () => {
    const url = await listen({
      authenticate: async () => {
        throw new TypeError('a bug');
      },
    });
    const response = await post(url, {});
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ name: 'TypeError' });
  });

  it("mode 'none' lets everyone through as anonymous", async () => {
    const url = await listen(createCallerAuth({ mode: 'none', apiKeys: [] }));
    const response = await post(url, { 'x-api-key': 'whatever' });
    expect(await response.json()).toEqual({ caller: { kind: 'anonymous' } });
  });
});
