import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/server.js';

/**
 * `npm run emulator -- <flags>` as a user meets it: the CLI compiled (only it and what it imports,
 * into a temporary directory, so this file neither needs nor races the main build) and run as a process.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
let out: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'emulator-cli-'));
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  // Its one package (zod, for the settings) resolves from here.
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { noEmit: false, sourceMap: false, rootDir: join(root, 'src'), outDir: join(out, 'dist'), typeRoots: [join(root, 'node_modules/@types')] },
      files: [join(root, 'src/emulator/cli.ts')],
      include: [],
    }),
  );
  const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(out, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  rmSync(out, { recursive: true, force: true });
});

/**
 * No inherited environment, only `env`. By default PORT=1, a port it could not use: a test that
 * serves with `--port 0` shows the flag winning over the variable.
 */
function cli(args: string[], env: Record<string, string> = { PORT: '1' }): ChildProcess {
  const child = spawn(process.execPath, [join(out, 'dist/emulator/cli.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Resolves with the URL it says it listens on, and its output so far; rejects if it exits first. */
function listening(child: ChildProcess): Promise<{ url: string; output: string }> {
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ url: match[1]!, output });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** A loopback port free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function run(args: string[], env?: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('the emulator CLI', () => {
  it('is built from src/emulator/ and the wire types alone: the config is not part of it', () => {
    expect(existsSync(join(out, 'dist/emulator/server.js'))).toBe(true);
    expect(existsSync(join(out, 'dist/config.js'))).toBe(false);
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown flag', ['--bogus'], /^unknown flag --bogus \(see --help\)\n/],
    ['a bad port', ['--port', 'abc'], /^--port must be a whole number from 0 to 65535, not "abc"\n/],
    ['a bad rate', ['--error-rate=2'], /^--error-rate must be a number from 0 to 1, not "2"\n/],
    ['a flag without its value', ['--tenants'], /^--tenants needs a value\n/],
    ['a bad access key', ['--aksk', 'AK1:secret-sk'], /^--aksk must be ak:sk:projectId triples separated by commas \(entry 1 is not\)\n/],
  ])('%s: exit code 1, a message on stderr, no stack trace', async (_label, args, pattern) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr).toMatch(/--help lists the flags/);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/Error/);
  });

  it('--help prints the flags and exits 0', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run emulator -- \[flags\]/);
    expect(stdout).toContain('--throttle-burst');
  });

  it('serves with the flags given, and stops on SIGTERM', async () => {
    const child = cli(['--port', '0', '--tenants', 'cli-token:cli-project', '--aksk', 'CLIAK:cli-secret-sk:cli-project', '--throttle-burst=1', '--retry-after-s', '4']);
    const { url, output } = await listening(child);
    expect(output).toContain('cli-token  -> project cli-project');
    expect(output).toContain('CLIAK  -> project cli-project');
    expect(output).not.toContain('cli-secret-sk');
    const answer = await fetch(`${url}/v1/cloudimages/cn-north-4?limit=1`, { headers: { 'X-Auth-Token': 'cli-token' } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('4');
    expect(await stop(child)).toBe(0);
  });
});

describe('the emulator CLI and its environment (as hosting platforms set it)', () => {
  const tenant = { token: 'env-token', projectId: 'env-project' };
  const listing = (url: string, token: string): Promise<Response> => fetch(`${url}/v1/cloudimages/tr-west-1?limit=5`, { headers: { 'X-Auth-Token': token } });

  it('listens on PORT and HOST, with the data and tenants of EMULATOR_*', async () => {
    const port = await freePort();
    const child = cli([], { PORT: String(port), HOST: '127.0.0.1', EMULATOR_PORT: '1', EMULATOR_SEED: '11', EMULATOR_TENANTS: `${tenant.token}:${tenant.projectId}` });
    const reference = await startEmulator({ seed: 11, tenants: [tenant] });
    try {
      const { url, output } = await listening(child);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(output).toContain('env-token  -> project env-project');
      const [answer, expected] = await Promise.all([listing(url, tenant.token), listing(reference.url, tenant.token)]);
      expect(answer.status).toBe(200);
      // The same images as an emulator of seed 11, this tenant's private ones among them.
      const body = await answer.text();
      expect(body).toBe(await expected.text());
      expect(body).toContain('"owner":"env-project"');
      expect((await listing(url, 'demo-token-alice')).status).toBe(401);
    } finally {
      await reference.close();
    }
    expect(await stop(child)).toBe(0);
  });

  it('listens on EMULATOR_PORT when PORT is unset', async () => {
    const port = await freePort();
    const child = cli([], { EMULATOR_PORT: String(port) });
    expect((await listening(child)).url).toBe(`http://127.0.0.1:${port}`);
    expect(await stop(child)).toBe(0);
  });

  it('a flag wins over its variable; the variables of settings not flagged still apply', async () => {
    const env = { PORT: '1', EMULATOR_TENANTS: `${tenant.token}:${tenant.projectId}`, EMULATOR_THROTTLE_BURST: '1', EMULATOR_RETRY_AFTER_S: '7' };
    const child = cli(['--port', '0', '--tenants', 'flag-token:flag-project', '--retry-after-s', '4'], env);
    const { url, output } = await listening(child);
    expect(new URL(url).port).not.toBe('1');
    expect(output).toContain('flag-token  -> project flag-project');
    expect(output).not.toContain('env-token');
    const answer = await listing(url, 'flag-token');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('4');
    expect(await stop(child)).toBe(0);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a bad PORT', { PORT: 'abc' }, /^PORT must be a whole number from 0 to 65535, not "abc"\n/],
    ['a bad EMULATOR_PORT', { EMULATOR_PORT: '70000' }, /^EMULATOR_PORT must be a whole number from 0 to 65535, not "70000"\n/],
    ['a bad HOST', { HOST: 'a/b' }, /^HOST must be a host name or IP address, not "a\/b"\n/],
    ['a bad rate', { EMULATOR_ERROR_RATE: '2' }, /^EMULATOR_ERROR_RATE must be a number from 0 to 1, not "2"\n/],
    ['a bad access key', { EMULATOR_AKSK: 'AK1:secret-sk' }, /^EMULATOR_AKSK must be ak:sk:projectId triples separated by commas \(entry 1 is not\)\n/],
    ['a key of no tenant', { EMULATOR_TENANTS: 'tok:proj-x', EMULATOR_AKSK: 'AK1:secret-sk:proj-y' }, /^EMULATOR_AKSK: access key AK1 maps to project proj-y, which is none of the EMULATOR_TENANTS projects\n/],
  ])('%s: exit code 1 and a message naming the variable', async (_label, env, pattern) => {
    const { code, stdout, stderr } = await run([], env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr).not.toContain('secret-sk');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('lists every bad flag and variable at once', async () => {
    const { code, stderr } = await run(['--seed', 'x'], { PORT: 'abc', EMULATOR_TENANTS: 'nonsense' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Invalid settings:\n {2}- PORT must be .*\n {2}- --seed must be .*\n {2}- EMULATOR_TENANTS must be .*\n/);
  });
});
