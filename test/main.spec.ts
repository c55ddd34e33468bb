import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator/server.js';
import { useEmulator } from './helpers/emulator-client.js';

/** `npm start` as a user meets it: the built entry point, run as a process. */

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

beforeAll(() => {
  // `npm test` builds first; this keeps the file runnable alone (tsc is incremental).
  const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
});

function start(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** Resolves with stdout once a line matches; rejects if the process exits first. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<{ match: RegExpMatchArray; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) resolve({ match, output });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${output}`)));
  });
}

async function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = start(env);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('npm start (dist/main.js)', () => {
  it('with no endpoint, starts the embedded emulator, says so with a demo token, and serves images', async () => {
    const child = start({});
    const { match, output } = await waitForLine(child, /GraphQL at (http:\/\/\S+)\/graphql/);
    expect(output).toMatch(/embedded emulator/);
    expect(output).toContain('demo-token-alice');
    const response = await fetch(`${match[1]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
      body: JSON.stringify({ query: '{ images(region: "cn-north-4", first: 2) { nodes { name } pageInfo { hasNextPage } } }' }),
    });
    const body = (await response.json()) as { data: { images: { nodes: { name: string }[]; pageInfo: { hasNextPage: boolean } } } };
    expect(body.data.images.nodes).toHaveLength(2);
    expect(body.data.images.pageInfo.hasNextPage).toBe(true);

    // The query-cost check runs in the built server too (one graphql realm under plain Node).
    const costly = await fetch(`${match[1]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
      body: JSON.stringify({ query: '{ images(region: "cn-north-4", first: 500) { nodes { parentImage { parentImage { name } } } } }' }),
    });
    expect(costly.status).toBe(400);
    expect(((await costly.json()) as { errors: { extensions: { code: string; cost: number } }[] }).errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 1008 });

    // A frontend dev server on this machine may call it out of the box.
    const preflight = await fetch(`${match[1]}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-auth-token' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('under NODE_ENV=production in emulator mode, keeps Sandbox and introspection (demo data only)', async () => {
    const child = start({ NODE_ENV: 'production' });
    const { match } = await waitForLine(child, /GraphQL at (http:\/\/\S+)\/graphql/);
    const sandbox = await fetch(`${match[1]}/graphql`, { headers: { accept: 'text/html' } });
    expect(await sandbox.text()).toContain('embeddable-sandbox');
    const graphiql = await fetch(`${match[1]}/graphiql`);
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('demo-token-alice');
    const introspection = await fetch(`${match[1]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    expect(await introspection.json()).toMatchObject({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('in AK/SK mode with AUTH_MODE=none, warns at start and signs every call with the server key', async () => {
    const child = start({ HUAWEICLOUD_SDK_AK: 'DEMOAKALICE00000000', HUAWEICLOUD_SDK_SK: 'demo-sk-alice-not-a-secret', AUTH_MODE: 'none', LOG_LEVEL: 'warn' });
    const { match, output } = await waitForLine(child, /GraphQL at (http:\/\/\S+)\/graphql[\s\S]*AUTH_MODE=none lets anyone in \(WARNING\)/);
    expect(output).toMatch(/"level":40.*AUTH_MODE=none: anyone who can reach \/graphql/);
    expect(output).not.toContain('demo-sk-alice-not-a-secret');
    const response = await fetch(`${match[1]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ images(region: "tr-west-1", first: 1, filter: { imageType: PRIVATE }) { nodes { owner } } }' }),
    });
    const body = (await response.json()) as { data: { images: { nodes: { owner: string }[] } } };
    expect(body.data.images.nodes[0]?.owner).toBe('0a5b4c3d2e1f4a9b8c7d6e5f4a3b2c1d');
  });

  describe('with CLOUDIMAGES_ENDPOINT', () => {
    const upstream = useEmulator({ tenants: [{ token: 'elsewhere-token', projectId: 'p1' }] });

    it('calls that endpoint instead of an embedded emulator', async () => {
      const child = start({ CLOUDIMAGES_ENDPOINT: upstream.url });
      const { match, output } = await waitForLine(child, /GraphQL at (http:\/\/\S+)\/graphql/);
      expect(output).not.toMatch(/embedded emulator/);
      expect(output).toContain(`Upstream: ${upstream.url}`);
      const response = await fetch(`${match[1]}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': 'elsewhere-token' },
        body: JSON.stringify({ query: '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }' }),
      });
      const body = (await response.json()) as { data: { images: { nodes: { imageId: string }[] } } };
      expect(body.data.images.nodes).toHaveLength(1);
      expect(upstream.apiRequests.map((r) => r.projectId)).toContain('p1');
      // GraphiQL is there (not production), with no token filled in: only the emulator's are demo tokens.
      const graphiql = await fetch(`${match[1]}/graphiql`);
      expect(graphiql.status).toBe(200);
      expect(await graphiql.text()).toContain('"defaultHeaders":""');
      // No origin is allowed unless CORS_ORIGINS lists it.
      const preflight = await fetch(`${match[1]}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('in production: no introspection, no Sandbox, listed CORS origins only; INTROSPECTION=true turns introspection back on', async () => {
      const env = { CLOUDIMAGES_ENDPOINT: upstream.url, NODE_ENV: 'production', CORS_ORIGINS: 'https://portal.example.com' };
      const introspect = async (url: string) =>
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
        });
      const locked = (await waitForLine(start(env), /GraphQL at (http:\/\/\S+)\/graphql/)).match[1]!;
      const refused = await introspect(locked);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const page = await fetch(`${locked}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('sandbox');
      expect((await fetch(`${locked}/graphiql`)).status).toBe(404);
      const preflight = await fetch(`${locked}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'https://portal.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://portal.example.com');

      const opened = (await waitForLine(start({ ...env, INTROSPECTION: 'true' }), /GraphQL at (http:\/\/\S+)\/graphql/)).match[1]!;
      expect(await (await introspect(opened)).json()).toMatchObject({ data: { __schema: { queryType: { name: 'Query' } } } });
    });
  });

  it.concurrent.each([
    [{ PORT: 'abc' }, /PORT must be a whole number from 0 to 65535/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ CLOUDIMAGES_ENDPOINT: 'not a url' }, /CLOUDIMAGES_ENDPOINT must be an absolute http\(s\) URL/],
    [{ CLOUDIMAGES_ENDPOINT: 'ftp://example.invalid' }, /CLOUDIMAGES_ENDPOINT must use http or https/],
    [{ EMULATOR_TENANTS: 'no-colon' }, /EMULATOR_TENANTS must be token:projectId pairs/],
    [{ CORS_ORIGINS: 'https://portal.example.com,https://portal.example.com/app' }, /CORS_ORIGINS: "https:\/\/portal.example.com\/app" is not an origin/],
    [{ MAX_QUERY_DEPTH: '0' }, /MAX_QUERY_DEPTH must be a whole number from 1 to 100/],
    [{ HUAWEICLOUD_SDK_AK: 'AKEXAMPLE0123456789', HUAWEICLOUD_SDK_SK: 'sk-example-0123456789' }, /set AUTH_JWKS_URL .* or AUTH_API_KEYS, or AUTH_MODE=none/],
    [{ TRUSTED_DOCUMENTS_MODE: 'enforce' }, /TRUSTED_DOCUMENTS_MODE=enforce needs TRUSTED_DOCUMENTS/],
    [{ TRUSTED_DOCUMENTS: 'no/such/manifest.json' }, /^Start-up failed: TRUSTED_DOCUMENTS=no\/such\/manifest.json: cannot be read \(ENOENT\)\n$/],
    [{ TRUSTED_DOCUMENTS: 'package.json' }, /^Start-up failed: TRUSTED_DOCUMENTS=package.json: entry "\w+" must map an id/],
  ])('refuses bad configuration %o with a clear message and no stack trace', async (env, message) => {
    const { code, stderr } = await runToExit(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says so plainly when the port is taken', async () => {
    const holder = await startEmulator();
    try {
      const { code, stderr } = await runToExit({ PORT: String(holder.port) });
      expect(code).toBe(1);
      expect(stderr).toMatch(/Cannot listen: .*EADDRINUSE.*Set PORT/);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await holder.close();
    }
  });
});
