import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_QUERY_LIMITS, loadConfig, type Env } from '../src/config/index.js';
import { DEMO_TENANTS } from '../src/emulator/options.js';

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(4000);
    expect(config.server.production).toBe(false);
    expect(config.upstream.endpoint).toBeUndefined();
    // Only overrides: the emulator's defaults are its own (src/emulator/options.ts).
    expect(config.emulator).toEqual({ port: 0, faults: {} });
    expect(config.emulator.tenants).toBeUndefined();
    expect(config.emulator.seed).toBeUndefined();
    expect(Object.values(config.emulator.faults).every((value) => value === undefined)).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', EMULATOR_TENANTS: '', EMULATOR_SEED: '' })).toEqual(loadConfig({}));
  });

  it('PORT is the server port, never the embedded emulator port', () => {
    const config = loadConfig({ PORT: '5000', EMULATOR_PORT: '5001' });
    expect(config.server.port).toBe(5000);
    expect(config.emulator.port).toBe(5001);
    expect(loadConfig({ PORT: '5000' }).emulator.port).toBe(0);
  });

  it('reads the emulator seed and fault knobs', () => {
    const { emulator } = loadConfig({
      EMULATOR_SEED: '42',
      EMULATOR_LATENCY_MS: '25',
      EMULATOR_ERROR_RATE: '0.25',
      EMULATOR_THROTTLE_EVERY: '10',
      EMULATOR_THROTTLE_BURST: '3',
      EMULATOR_RETRY_AFTER_S: '5',
      EMULATOR_MALFORMED_RATE: '1',
      EMULATOR_FAIL_IMAGE_IDS: ' a-1 , b-2 ,,',
    });
    expect(emulator.seed).toBe(42);
    expect(emulator.faults).toEqual({ latencyMs: 25, errorRate: 0.25, throttleEvery: 10, throttleBurst: 3, retryAfterSeconds: 5, malformedRate: 1, failImageIds: ['a-1', 'b-2'] });
  });

  it.each<[string, Env, RegExp]>([
    ['PORT=abc', { PORT: 'abc' }, /PORT/],
    ['PORT=70000', { PORT: '70000' }, /PORT/],
    ['PORT=-1', { PORT: '-1' }, /PORT/],
    ['PORT=1.5', { PORT: '1.5' }, /PORT/],
    ['EMULATOR_SEED=-1', { EMULATOR_SEED: '-1' }, /EMULATOR_SEED/],
    ['EMULATOR_SEED=2^32', { EMULATOR_SEED: String(2 ** 32) }, /EMULATOR_SEED/],
    ['EMULATOR_ERROR_RATE=1.5', { EMULATOR_ERROR_RATE: '1.5' }, /EMULATOR_ERROR_RATE/],
    ['EMULATOR_MALFORMED_RATE=half', { EMULATOR_MALFORMED_RATE: 'half' }, /EMULATOR_MALFORMED_RATE/],
    ['EMULATOR_LATENCY_MS=-5', { EMULATOR_LATENCY_MS: '-5' }, /EMULATOR_LATENCY_MS/],
    ['HOST=a/b', { HOST: 'a/b' }, /HOST/],
    ['LOG_LEVEL=verbose', { LOG_LEVEL: 'verbose' }, /LOG_LEVEL/],
    ['UPSTREAM_CONCURRENCY=0', { UPSTREAM_CONCURRENCY: '0' }, /UPSTREAM_CONCURRENCY/],
    ['INTROSPECTION=yes', { INTROSPECTION: 'yes' }, /INTROSPECTION must be true or false/],
    ['MAX_QUERY_DEPTH=0', { MAX_QUERY_DEPTH: '0' }, /MAX_QUERY_DEPTH/],
    ['MAX_QUERY_ALIASES=many', { MAX_QUERY_ALIASES: 'many' }, /MAX_QUERY_ALIASES/],
    ['MAX_QUERY_DIRECTIVES=-1', { MAX_QUERY_DIRECTIVES: '-1' }, /MAX_QUERY_DIRECTIVES/],
    ['MAX_QUERY_TOKENS=5', { MAX_QUERY_TOKENS: '5' }, /MAX_QUERY_TOKENS/],
  ])('%s is a ConfigError naming the variable', (_label, env, pattern) => {
    const problems = problemsOf(() => loadConfig(env));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() => loadConfig({ PORT: 'x', EMULATOR_TENANTS: 'nonsense', EMULATOR_SEED: 'y' }));
    expect(problems).toHaveLength(3);
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/Invalid configuration/);
  });
});

describe('production defaults', () => {
  const endpoint = 'https://iecs.myhuaweicloud.com';

  it('development: introspection and Sandbox on, suggestions kept', () => {
    expect(loadConfig({ CLOUDIMAGES_ENDPOINT: endpoint })).toMatchObject({ server: { production: false, introspection: true, sandbox: true } });
  });

  it('production with a real endpoint: introspection and Sandbox off', () => {
    expect(loadConfig({ NODE_ENV: 'production', CLOUDIMAGES_ENDPOINT: endpoint })).toMatchObject({ server: { production: true, introspection: false, sandbox: false } });
  });

  it('production in emulator mode keeps introspection and Sandbox (demo data only)', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ server: { production: true, introspection: true, sandbox: true } });
  });

  it('INTROSPECTION overrides the default either way', () => {
    expect(loadConfig({ NODE_ENV: 'production', CLOUDIMAGES_ENDPOINT: endpoint, INTROSPECTION: 'true' }).server.introspection).toBe(true);
    expect(loadConfig({ INTROSPECTION: 'FALSE' }).server.introspection).toBe(false);
  });

  it('HEAP_GROWTH_PERCENT: 100 by default, 0 (V8\'s own rule) to 1000', () => {
    expect(loadConfig({}).server.heapGrowthPercent).toBe(100);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).server.heapGrowthPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '250' }).server.heapGrowthPercent).toBe(250);
    for (const bad of ['-1', '1001', '1.5', 'lots']) expect(() => loadConfig({ HEAP_GROWTH_PERCENT: bad })).toThrow(/HEAP_GROWTH_PERCENT/);
  });

  it('query limits have defaults and can be set', () => {
    expect(loadConfig({}).server.limits).toEqual(DEFAULT_QUERY_LIMITS);
    expect(DEFAULT_QUERY_LIMITS).toEqual({ maxCost: 600, maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 1000 });
    expect(loadConfig({ MAX_QUERY_COST: '50', MAX_QUERY_DEPTH: '5', MAX_QUERY_ALIASES: '0', MAX_QUERY_DIRECTIVES: '3', MAX_QUERY_TOKENS: '400' }).server.limits).toEqual({
      maxCost: 50,
      maxDepth: 5,
      maxAliases: 0,
      maxDirectives: 3,
      maxTokens: 400,
    });
  });
});

describe('credentials: token mode and AK/SK mode', () => {
  const AKSK = { HUAWEICLOUD_SDK_AK: 'AKEXAMPLE0123456789', HUAWEICLOUD_SDK_SK: 'sk-example-0123456789abcdef' };

  it('is token mode without keys: no caller authentication of its own', () => {
    expect(loadConfig({})).toMatchObject({ upstream: { credentials: undefined }, callerAuth: undefined });
  });

  it('is AK/SK mode with both keys, the optional domain and project ids, and API-key or JWT callers', () => {
    const config = loadConfig({ ...AKSK, HUAWEICLOUD_SDK_DOMAIN_ID: 'd0m41n', HUAWEICLOUD_SDK_PROJECT_ID: 'pr0j3ct', AUTH_API_KEYS: ' key-aaaaaaaaaaaaaaaa , key-bbbbbbbbbbbbbbbb ' });
    expect(config.upstream.credentials).toEqual({ aksk: { ak: AKSK.HUAWEICLOUD_SDK_AK, sk: AKSK.HUAWEICLOUD_SDK_SK }, domainId: 'd0m41n', projectId: 'pr0j3ct' });
    expect(config.callerAuth).toEqual({ jwt: undefined, apiKeys: ['key-aaaaaaaaaaaaaaaa', 'key-bbbbbbbbbbbbbbbb'], mode: 'required' });
    const jwt = loadConfig({ ...AKSK, AUTH_JWKS_URL: 'https://login.example.com/jwks', AUTH_ISSUER: 'https://login.example.com', AUTH_AUDIENCE: 'images' });
    expect(jwt.callerAuth).toEqual({ jwt: { jwksUrl: 'https://login.example.com/jwks', issuer: 'https://login.example.com', audience: 'images' }, apiKeys: [], mode: 'required' });
    expect(loadConfig({ ...AKSK, AUTH_JWKS_URL: 'http://127.0.0.1:9999/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }).callerAuth?.jwt?.jwksUrl).toBe('http://127.0.0.1:9999/jwks');
    expect(loadConfig({ ...AKSK, AUTH_MODE: 'none' }).callerAuth).toEqual({ jwt: undefined, apiKeys: [], mode: 'none' });
  });

  it('takes a plain-http AUTH_JWKS_URL on any loopback host (127.0.0.0/8, [::1], localhost: src/http/loopback-host.ts) and nowhere else', () => {
    const jwksUrlOf = (url: string): string | undefined => loadConfig({ ...AKSK, AUTH_JWKS_URL: url, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }).callerAuth?.jwt?.jwksUrl;
    for (const url of ['http://127.1.2.3/jwks', 'http://127.255.255.254:8080/jwks', 'http://[::1]:8080/jwks', 'http://localhost:8080/jwks']) expect(jwksUrlOf(url)).toBe(url);
    for (const url of ['http://10.0.0.1/jwks', 'http://128.0.0.1/jwks', 'http://127.0.0.1.nip.io/jwks']) {
      expect(problemsOf(() => jwksUrlOf(url))).toEqual(['AUTH_JWKS_URL must use https (plain http only on a loopback address)']);
    }
  });

  it('needs no AUTH_* for a tool that serves no callers (npm run contract-check)', () => {
    expect(loadConfig({ ...AKSK }, { servesCallers: false })).toMatchObject({ upstream: { credentials: { aksk: { ak: AKSK.HUAWEICLOUD_SDK_AK } } }, callerAuth: { jwt: undefined, apiKeys: [], mode: 'required' } });
  });

  it.each<[string, Env, RegExp]>([
    ['AK without SK', { HUAWEICLOUD_SDK_AK: AKSK.HUAWEICLOUD_SDK_AK }, /HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together \(HUAWEICLOUD_SDK_SK is missing\)/],
    ['SK without AK', { HUAWEICLOUD_SDK_SK: AKSK.HUAWEICLOUD_SDK_SK }, /must be set together \(HUAWEICLOUD_SDK_AK is missing\)/],
    ['a project id without keys', { HUAWEICLOUD_SDK_PROJECT_ID: 'p' }, /go with HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK/],
    ['keys and no way to authenticate callers', { ...AKSK }, /AUTH_JWKS_URL.*AUTH_API_KEYS.*AUTH_MODE=none/],
    ['a JWKS URL without issuer and audience', { ...AKSK, AUTH_JWKS_URL: 'https://login.example.com/jwks' }, /AUTH_ISSUER and AUTH_AUDIENCE are missing/],
    ['an issuer without the JWKS URL', { ...AKSK, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, /AUTH_JWKS_URL is missing/],
    ['a plain-http JWKS URL off loopback', { ...AKSK, AUTH_JWKS_URL: 'http://login.example.com/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, /AUTH_JWKS_URL must use https/],
    ['short API keys', { ...AKSK, AUTH_API_KEYS: 'short' }, /AUTH_API_KEYS must be .* at least 16/],
    ['an unknown AUTH_MODE', { ...AKSK, AUTH_MODE: 'maybe' }, /AUTH_MODE must be required or none/],
    ['AUTH_* in token mode', { AUTH_API_KEYS: 'key-aaaaaaaaaaaaaaaa' }, /AUTH_\* configure how callers authenticate in AK\/SK mode/],
  ])('%s stops start-up with a message naming the variables, never a secret', (_label, env, pattern) => {
    const problems = problemsOf(() => loadConfig(env));
    expect(problems.join('\n')).toMatch(pattern);
    expect(problems.join('\n')).not.toContain(AKSK.HUAWEICLOUD_SDK_SK);
  });
});

describe('CORS_ORIGINS', () => {
  it('defaults to any loopback origin in emulator mode and to none with a real endpoint', () => {
    expect(loadConfig({}).server.cors).toEqual({ origins: [], loopback: true });
    expect(loadConfig({ CLOUDIMAGES_ENDPOINT: 'https://iecs.myhuaweicloud.com' }).server.cors).toEqual({ origins: [], loopback: false });
  });

  it('parses exact origins, trimming spaces and skipping empty entries; the list replaces the default', () => {
    expect(loadConfig({ CORS_ORIGINS: ' https://portal.example.com , http://localhost:5173,,http://[::1]:8080 ' }).server.cors).toEqual({
      origins: ['https://portal.example.com', 'http://localhost:5173', 'http://[::1]:8080'],
      loopback: false,
    });
  });

  it.each<[string, RegExp]>([
    ['*', /"\*" is not allowed/],
    ['null', /"null" is not allowed/],
    ['portal.example.com', /"portal.example.com" is not an origin/],
    ['https://portal.example.com/', /write "https:\/\/portal.example.com"/],
    ['https://portal.example.com/app', /"https:\/\/portal.example.com\/app" is not an origin/],
    ['https://Portal.Example.com', /write "https:\/\/portal.example.com"/],
    ['https://portal.example.com:443', /write "https:\/\/portal.example.com"/],
    ['https://portal.example.com?x=1', /is not an origin/],
    ['ftp://portal.example.com', /scheme must be http or https/],
    ['https://user@portal.example.com', /is not an origin/],
  ])('%s stops start-up with a message naming it', (value, pattern) => {
    const problems = problemsOf(() => loadConfig({ CORS_ORIGINS: `http://localhost:5173,${value}` }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^CORS_ORIGINS: /);
    expect(problems[0]).toMatch(pattern);
  });
});

describe('EMULATOR_TENANTS', () => {
  it('parses token:projectId pairs, trimming spaces and skipping empty entries', () => {
    expect(loadConfig({ EMULATOR_TENANTS: ' tok-a:proj_1 , tok.b:PROJ-2 ,' }).emulator.tenants).toEqual([
      { token: 'tok-a', projectId: 'proj_1' },
      { token: 'tok.b', projectId: 'PROJ-2' },
    ]);
  });

  it('allows two tokens for one project', () => {
    expect(loadConfig({ EMULATOR_TENANTS: 'a:p,b:p' }).emulator.tenants).toEqual([
      { token: 'a', projectId: 'p' },
      { token: 'b', projectId: 'p' },
    ]);
  });

  it.each<[string, string, RegExp]>([
    ['no colon', 'token-only', /token:projectId pairs/],
    ['an empty token', ':proj', /token:projectId pairs/],
    ['an empty project', 'tok:', /token:projectId pairs/],
    ['a project with a colon', 'tok:proj:x', /token:projectId pairs/],
    ['a space inside a token', 'to k:proj', /token:projectId pairs/],
    ['a project with a slash', 'tok:proj/x', /token:projectId pairs/],
    ['one bad entry among good ones', 'a:p1,bad,b:p2', /token:projectId pairs/],
    ['only separators', ' , ,', /at least one/],
    ['a repeated token', 'a:p1,a:p2', /must not repeat a token/],
  ])('%s is a ConfigError', (_label, value, pattern) => {
    const problems = problemsOf(() => loadConfig({ EMULATOR_TENANTS: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });
});

describe('EMULATOR_AKSK', () => {
  const ALICE_PROJECT = DEMO_TENANTS[0]!.projectId;
  // Without EMULATOR_TENANTS, a key's project must be a demo tenant's.
  const BOB_PROJECT = DEMO_TENANTS[1]!.projectId;

  it('parses ak:sk:projectId triples, trimming spaces and skipping empty entries', () => {
    expect(loadConfig({ EMULATOR_AKSK: ` AK1:sk-1:${ALICE_PROJECT} , AK2:s/k+2=:${BOB_PROJECT} ,` }).emulator.aksk).toEqual([
      { ak: 'AK1', sk: 'sk-1', projectId: ALICE_PROJECT },
      { ak: 'AK2', sk: 's/k+2=', projectId: BOB_PROJECT },
    ]);
    expect(loadConfig({ EMULATOR_AKSK: '' }).emulator.aksk).toBeUndefined();
  });

  it('with EMULATOR_TENANTS, each key must map to one of their projects', () => {
    expect(loadConfig({ EMULATOR_TENANTS: 'tok:proj-x', EMULATOR_AKSK: 'AK1:sk:proj-x' }).emulator.aksk).toEqual([{ ak: 'AK1', sk: 'sk', projectId: 'proj-x' }]);
    expect(problemsOf(() => loadConfig({ EMULATOR_TENANTS: 'tok:proj-x', EMULATOR_AKSK: 'AK1:SeCrEt:proj-y' }))).toEqual([
      'EMULATOR_AKSK: access key AK1 maps to project proj-y, which is none of the EMULATOR_TENANTS projects',
    ]);
  });

  it.each<[string, string, RegExp]>([
    ['a pair without a project', 'AK1:SeCrEt', /^EMULATOR_AKSK must be ak:sk:projectId triples separated by commas \(entry 1 is not\)$/],
    ['an empty AK', `:SeCrEt:${ALICE_PROJECT}`, /ak:sk:projectId triples/],
    ['an SK with a colon', `AK1:SeCrEt:x:${ALICE_PROJECT}`, /ak:sk:projectId triples/],
    ['a project with a slash', 'AK1:SeCrEt:proj/x', /ak:sk:projectId triples/],
    ['one bad entry among good ones', `AK1:SeCrEt:${ALICE_PROJECT},bad`, /\(entry 2 is not\)/],
    ['only separators', ' , ,', /^EMULATOR_AKSK must name at least one/],
    ['a repeated access key', `AK1:SeCrEt:${ALICE_PROJECT},AK1:SeCrEt2:p`, /^EMULATOR_AKSK must not repeat an access key/],
  ])('%s is a ConfigError naming the variable and showing no SK', (_label, value, pattern) => {
    const problems = problemsOf(() => loadConfig({ EMULATOR_AKSK: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
    expect(problems[0]).not.toContain('SeCrEt');
  });
});

describe('METRICS_ENABLED', () => {
  it('is read as a boolean, on by default', () => {
    expect(loadConfig({}).server.metrics).toBe(true);
    expect(loadConfig({ METRICS_ENABLED: 'false' }).server.metrics).toBe(false);
    expect(loadConfig({ METRICS_ENABLED: 'TRUE' }).server.metrics).toBe(true);
    expect(() => loadConfig({ METRICS_ENABLED: 'off' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_ENABLED: 'off' })).toThrow(/METRICS_ENABLED must be true or false/);
  });
});

describe('scale-out settings: REDIS_*, CACHE_*, UPSTREAM_RATE_*, FEDERATION', () => {
  it('default to all in process: no Redis, no page cache, no budget of our own, no federation', () => {
    const config = loadConfig({});
    expect(config.sharedState.redis).toBeUndefined();
    expect(config.sharedState.pageCache).toEqual({ ttlMs: 0, maxBytes: 32 * 2 ** 20 });
    expect(config.sharedState.rateBudget).toBeUndefined();
    expect(config.server.federation).toBe(false);
  });

  it('REDIS_URL (redis:// or rediss://, a password kept for the connection) with the tuning defaults', () => {
    expect(loadConfig({ REDIS_URL: 'redis://:hunter2@cache.internal:6380/2' }).sharedState.redis).toEqual({
      url: 'redis://:hunter2@cache.internal:6380/2',
      keyPrefix: 'cloudimages:',
      commandTimeoutMs: 500,
      maxValueBytes: 8 * 2 ** 20,
    });
    expect(loadConfig({ REDIS_URL: ' rediss://cache.internal ' }).sharedState.redis?.url).toBe('rediss://cache.internal');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'prod:api:', REDIS_TIMEOUT_MS: '50', REDIS_MAX_VALUE_MB: '4' }).sharedState.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'prod:api:',
      commandTimeoutMs: 50,
      maxValueBytes: 4 * 2 ** 20,
    });
  });

  it.each([
    ['another scheme, with a password', 'http://:hunter2@x'],
    ['no scheme', ':hunter2@cache.internal:6379'],
    ['not a URL', 'redis//hunter2'],
    ['a unix socket path', '/run/hunter2.sock'],
  ])('REDIS_URL as %s is refused without echoing the value', (_label, url) => {
    const problems = problemsOf(() => loadConfig({ REDIS_URL: url }));
    expect(problems).toEqual([expect.stringMatching(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/)]);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(() => loadConfig({ REDIS_URL: url })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });

  it.each<[string, Env]>([
    ['REDIS_KEY_PREFIX', { REDIS_KEY_PREFIX: 'app:' }],
    ['REDIS_TIMEOUT_MS', { REDIS_TIMEOUT_MS: '100' }],
    ['REDIS_MAX_VALUE_MB', { REDIS_MAX_VALUE_MB: '8' }],
  ])('%s without REDIS_URL is refused (it would tune nothing)', (_name, env) => {
    expect(problemsOf(() => loadConfig(env))).toEqual([expect.stringMatching(/go with REDIS_URL, which is not set/)]);
  });

  it.each<[string, Env, RegExp]>([
    ['REDIS_KEY_PREFIX with a space', { REDIS_URL: 'redis://h', REDIS_KEY_PREFIX: 'a b' }, /REDIS_KEY_PREFIX/],
    ['REDIS_TIMEOUT_MS=0', { REDIS_URL: 'redis://h', REDIS_TIMEOUT_MS: '0' }, /REDIS_TIMEOUT_MS/],
    ['REDIS_MAX_VALUE_MB=0', { REDIS_URL: 'redis://h', REDIS_MAX_VALUE_MB: '0' }, /REDIS_MAX_VALUE_MB/],
    ['CACHE_TTL_MS=-1', { CACHE_TTL_MS: '-1' }, /CACHE_TTL_MS/],
    ['CACHE_MAX_MB=0', { CACHE_MAX_MB: '0' }, /CACHE_MAX_MB/],
    ['UPSTREAM_RATE_LIMIT=0', { UPSTREAM_RATE_LIMIT: '0' }, /UPSTREAM_RATE_LIMIT/],
    ['UPSTREAM_RATE_LIMIT=2.5', { UPSTREAM_RATE_LIMIT: '2.5' }, /UPSTREAM_RATE_LIMIT/],
    ['UPSTREAM_RATE_WAIT_MS=soon', { UPSTREAM_RATE_LIMIT: '5', UPSTREAM_RATE_WAIT_MS: 'soon' }, /UPSTREAM_RATE_WAIT_MS/],
    ['FEDERATION=yes', { FEDERATION: 'yes' }, /FEDERATION must be true or false/],
  ])('%s is a ConfigError naming the variable', (_label, env, pattern) => {
    const problems = problemsOf(() => loadConfig(env));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });

  it('CACHE_TTL_MS and CACHE_MAX_MB turn on and bound the page cache', () => {
    expect(loadConfig({ CACHE_TTL_MS: '5000', CACHE_MAX_MB: '8' }).sharedState.pageCache).toEqual({ ttlMs: 5000, maxBytes: 8 * 2 ** 20 });
    expect(loadConfig({ CACHE_TTL_MS: '0' }).sharedState.pageCache.ttlMs).toBe(0);
  });

  it('UPSTREAM_RATE_LIMIT sets the budget, waiting UPSTREAM_RATE_WAIT_MS (default 2000, 0 allowed)', () => {
    expect(loadConfig({ UPSTREAM_RATE_LIMIT: '20' }).sharedState.rateBudget).toEqual({ perSecond: 20, waitMs: 2000 });
    expect(loadConfig({ UPSTREAM_RATE_LIMIT: '20', UPSTREAM_RATE_WAIT_MS: '0' }).sharedState.rateBudget).toEqual({ perSecond: 20, waitMs: 0 });
    expect(loadConfig({ UPSTREAM_RATE_LIMIT: '1', UPSTREAM_RATE_WAIT_MS: '750' }).sharedState.rateBudget).toEqual({ perSecond: 1, waitMs: 750 });
    // A wait without a budget is a mistake worth stopping for, like REDIS_* tuning without REDIS_URL.
    expect(() => loadConfig({ UPSTREAM_RATE_WAIT_MS: '750' })).toThrow(/UPSTREAM_RATE_WAIT_MS goes with UPSTREAM_RATE_LIMIT/);
  });

  it('FEDERATION is true or false, either case', () => {
    expect(loadConfig({ FEDERATION: 'true' }).server.federation).toBe(true);
    expect(loadConfig({ FEDERATION: 'TRUE' }).server.federation).toBe(true);
    expect(loadConfig({ FEDERATION: 'false' }).server.federation).toBe(false);
  });
});

describe('TRUSTED_DOCUMENTS and TRUSTED_DOCUMENTS_MODE', () => {
  const PRODUCTION = { NODE_ENV: 'production', CLOUDIMAGES_ENDPOINT: 'https://iecs.example.com' };

  it('defaults to enforce in production with a manifest, and to allow anywhere else', () => {
    expect(loadConfig({ ...PRODUCTION, TRUSTED_DOCUMENTS: 'manifest.json' }).trustedDocuments).toEqual({ mode: 'enforce', manifest: 'manifest.json' });
    expect(loadConfig({ ...PRODUCTION }).trustedDocuments).toEqual({ mode: 'allow', manifest: undefined });
    expect(loadConfig({ TRUSTED_DOCUMENTS: 'manifest.json' }).trustedDocuments).toEqual({ mode: 'allow', manifest: 'manifest.json' });
    expect(loadConfig({}).trustedDocuments).toEqual({ mode: 'allow', manifest: undefined });
  });

  it('takes the mode it is told; off reads no manifest', () => {
    expect(loadConfig({ ...PRODUCTION, TRUSTED_DOCUMENTS: 'manifest.json', TRUSTED_DOCUMENTS_MODE: 'allow' }).trustedDocuments.mode).toBe('allow');
    expect(loadConfig({ TRUSTED_DOCUMENTS: 'manifest.json', TRUSTED_DOCUMENTS_MODE: 'enforce' }).trustedDocuments.mode).toBe('enforce');
    expect(loadConfig({ TRUSTED_DOCUMENTS: 'manifest.json', TRUSTED_DOCUMENTS_MODE: 'off' }).trustedDocuments).toEqual({ mode: 'off', manifest: undefined });
  });

  it('refuses a mode it does not know, and enforce without a manifest', () => {
    expect(problemsOf(() => loadConfig({ TRUSTED_DOCUMENTS_MODE: 'strict' }))).toEqual(['TRUSTED_DOCUMENTS_MODE must be enforce, allow or off']);
    expect(problemsOf(() => loadConfig({ TRUSTED_DOCUMENTS_MODE: 'enforce' }))).toEqual([expect.stringMatching(/TRUSTED_DOCUMENTS_MODE=enforce needs TRUSTED_DOCUMENTS/)]);
  });
});

describe('live status: WATCH_*, MAX_SUBSCRIPTIONS_*, SHUTDOWN_GRACE_MS', () => {
  it('has defaults: a poll every 5 s, watches of 30 minutes, 20 subscriptions a connection, 100 a caller, 10 s to shut down', () => {
    expect(loadConfig({}).liveStatus).toEqual({ watch: { intervalMs: 5000, maxWatchMs: 1_800_000 }, limits: { perConnection: 20, perCaller: 100 }, shutdownGraceMs: 10_000 });
  });

  it('takes what it is told', () => {
    const env = { WATCH_INTERVAL_MS: '250', WATCH_MAX_MS: '60000', MAX_SUBSCRIPTIONS_PER_CONNECTION: '5', MAX_SUBSCRIPTIONS_PER_CALLER: '8', SHUTDOWN_GRACE_MS: '0' };
    expect(loadConfig(env).liveStatus).toEqual({ watch: { intervalMs: 250, maxWatchMs: 60_000 }, limits: { perConnection: 5, perCaller: 8 }, shutdownGraceMs: 0 });
  });

  it.each([
    [{ WATCH_INTERVAL_MS: '10' }, /WATCH_INTERVAL_MS must be a whole number from 100 to 3600000/],
    [{ WATCH_MAX_MS: 'soon' }, /WATCH_MAX_MS must be a whole number/],
    [{ MAX_SUBSCRIPTIONS_PER_CONNECTION: '0' }, /MAX_SUBSCRIPTIONS_PER_CONNECTION must be a whole number from 1/],
    [{ MAX_SUBSCRIPTIONS_PER_CALLER: '-1' }, /MAX_SUBSCRIPTIONS_PER_CALLER must be a whole number/],
    [{ SHUTDOWN_GRACE_MS: '1.5' }, /SHUTDOWN_GRACE_MS must be a whole number/],
    [{ WATCH_INTERVAL_MS: '60000', WATCH_MAX_MS: '30000' }, /WATCH_MAX_MS \(30000\) must be at least WATCH_INTERVAL_MS \(60000\)/],
    [{ MAX_SUBSCRIPTIONS_PER_CONNECTION: '50', MAX_SUBSCRIPTIONS_PER_CALLER: '10' }, /MAX_SUBSCRIPTIONS_PER_CALLER \(10\) must be at least MAX_SUBSCRIPTIONS_PER_CONNECTION \(50\)/],
  ])('refuses %o, naming the variable', (env, pattern) => {
    const problems = problemsOf(() => loadConfig(env));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });
});
