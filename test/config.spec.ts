import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_EMULATOR_SEED, DEFAULT_QUERY_LIMITS, DEMO_TENANTS, defaultEmulatorFaults, loadConfig, loadEmulatorConfig, type Env } from '../src/config.js';
import { startEmulator } from '../src/emulator/server.js';

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
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(4000);
    expect(config.production).toBe(false);
    expect(config.upstream.endpoint).toBeUndefined();
    expect(config.emulator).toEqual({ host: '127.0.0.1', port: 0, tenants: [...DEMO_TENANTS], seed: DEFAULT_EMULATOR_SEED, faults: defaultEmulatorFaults() });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', EMULATOR_TENANTS: '', EMULATOR_SEED: '' })).toEqual(loadConfig({}));
  });

  it('PORT is the server port, never the embedded emulator port', () => {
    const config = loadConfig({ PORT: '5000', EMULATOR_PORT: '5001' });
    expect(config.port).toBe(5000);
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
    expect(loadConfig({ CLOUDIMAGES_ENDPOINT: endpoint })).toMatchObject({ production: false, introspection: true, sandbox: true });
  });

  it('production with a real endpoint: introspection and Sandbox off', () => {
    expect(loadConfig({ NODE_ENV: 'production', CLOUDIMAGES_ENDPOINT: endpoint })).toMatchObject({ production: true, introspection: false, sandbox: false });
  });

  it('production in emulator mode keeps introspection and Sandbox (demo data only)', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ production: true, introspection: true, sandbox: true });
  });

  it('INTROSPECTION overrides the default either way', () => {
    expect(loadConfig({ NODE_ENV: 'production', CLOUDIMAGES_ENDPOINT: endpoint, INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ INTROSPECTION: 'FALSE' }).introspection).toBe(false);
  });

  it('query limits have defaults and can be set', () => {
    expect(loadConfig({}).limits).toEqual(DEFAULT_QUERY_LIMITS);
    expect(DEFAULT_QUERY_LIMITS).toEqual({ maxCost: 600, maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: 1000 });
    expect(loadConfig({ MAX_QUERY_COST: '50', MAX_QUERY_DEPTH: '5', MAX_QUERY_ALIASES: '0', MAX_QUERY_DIRECTIVES: '3', MAX_QUERY_TOKENS: '400' }).limits).toEqual({
      maxCost: 50,
      maxDepth: 5,
      maxAliases: 0,
      maxDirectives: 3,
      maxTokens: 400,
    });
  });
});

describe('CORS_ORIGINS', () => {
  it('defaults to any loopback origin in emulator mode and to none with a real endpoint', () => {
    expect(loadConfig({}).cors).toEqual({ origins: [], loopback: true });
    expect(loadConfig({ CLOUDIMAGES_ENDPOINT: 'https://iecs.myhuaweicloud.com' }).cors).toEqual({ origins: [], loopback: false });
  });

  it('parses exact origins, trimming spaces and skipping empty entries; the list replaces the default', () => {
    expect(loadConfig({ CORS_ORIGINS: ' https://portal.example.com , http://localhost:5173,,http://[::1]:8080 ' }).cors).toEqual({
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

describe('loadEmulatorConfig', () => {
  it('listens on 8090 by default, on the host from HOST', () => {
    expect(loadEmulatorConfig({}, [])).toMatchObject({ host: '127.0.0.1', port: 8090 });
    expect(loadEmulatorConfig({ HOST: '0.0.0.0' }, []).host).toBe('0.0.0.0');
  });

  it('takes its port from --port, then PORT, then EMULATOR_PORT', () => {
    expect(loadEmulatorConfig({ EMULATOR_PORT: '9100' }, []).port).toBe(9100);
    expect(loadEmulatorConfig({ PORT: '9000', EMULATOR_PORT: '9100' }, []).port).toBe(9000);
    expect(loadEmulatorConfig({ PORT: '9000' }, ['--port', '9200']).port).toBe(9200);
    expect(loadEmulatorConfig({ PORT: '9000' }, ['--verbose', '--port=9300']).port).toBe(9300);
    expect(loadEmulatorConfig({}, ['--port', '0']).port).toBe(0);
  });

  it.each<[string, Env, string[]]>([
    ['--port abc', {}, ['--port', 'abc']],
    ['--port=70000', {}, ['--port=70000']],
    ['--port followed by another flag', {}, ['--port', '--seed']],
    ['--port without a value', { PORT: '9000' }, ['--port']],
    ['--port= with an empty value', {}, ['--port=']],
    ['PORT=abc', { PORT: 'abc' }, []],
    ['PORT=65536', { PORT: '65536' }, []],
  ])('%s is a ConfigError about the port', (_label, env, argv) => {
    const problems = problemsOf(() => loadEmulatorConfig(env, argv));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/must be a whole number from 0 to 65535/);
  });

  it('carries tenants, seed and faults from the environment', () => {
    const config = loadEmulatorConfig({ EMULATOR_TENANTS: 'x:px', EMULATOR_SEED: '9', EMULATOR_THROTTLE_BURST: '2' }, []);
    expect(config.tenants).toEqual([{ token: 'x', projectId: 'px' }]);
    expect(config.seed).toBe(9);
    expect(config.faults.throttleBurst).toBe(2);
  });

  it('is accepted by startEmulator as it is', async () => {
    const emulator = await startEmulator(loadEmulatorConfig({ EMULATOR_TENANTS: 'cfg-token:cfg-project', EMULATOR_SEED: '11' }, ['--port', '0']));
    try {
      const headers = { 'X-Auth-Token': 'cfg-token' };
      const ok = await fetch(`${emulator.url}/v1/cloudimages/tr-west-1?visibility=private&limit=1`, { headers });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { images: { owner: string }[] }).images.map((i) => i.owner)).toEqual(['cfg-project']);
      const demo = await fetch(`${emulator.url}/v1/cloudimages/tr-west-1`, { headers: { 'X-Auth-Token': 'demo-token-alice' } });
      expect(demo.status).toBe(401);
    } finally {
      await emulator.close();
    }
  });
});
