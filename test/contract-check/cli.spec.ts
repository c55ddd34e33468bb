import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator-client.js';

/**
 * `npm run contract-check` as a user runs it: the CLI compiled by its own build (tools/tsconfig.json,
 * which builds the emulator's CLI too) into a temporary directory, so that this file races no other
 * build, run as a process that spawns the emulator itself, with the "real" side played by an
 * emulator started here.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'contract-check-cli-'));
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  // The CLI's packages (zod, undici, ...) resolve from here.
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tools/tsconfig.json'), '--outDir', join(out, 'dist'), '--tsBuildInfoFile', join(out, 'tsbuildinfo'), '--sourceMap', 'false'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

const real = useEmulator();

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(out, 'dist/tools/contract-check/cli.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('the contract-check command', () => {
  it('starts the emulator, compares it with CLOUDIMAGES_ENDPOINT, prints the report and exits 0', async () => {
    const result = await run(['--delay-ms', '0'], { CLOUDIMAGES_ENDPOINT: real.url, CONTRACT_CHECK_TOKEN: 'demo-token-alice' });
    expect(result.stderr).toMatch(/^contract-check: \d+ probes, at most 60 read-only calls to each of emulator \(http:\/\/127\.0\.0\.1:\d+\) and real \(http:\/\/127\.0\.0\.1:\d+\), region cn-north-4$/m);
    expect(result.stdout).toMatch(/^sort name asc +same$/m);
    expect(result.stdout).toMatch(/^\d+ probes: (\d+) same, 0 differ, 0 inconclusive, 0 failed\. Calls: emulator \d+, real \d+ \(at most 60 each\)\.$/m);
    expect(result.code).toBe(0);
    // Every call the real side saw was a listing GET, within the budget.
    expect(real.requests.length).toBeGreaterThan(20);
    expect(real.requests.length).toBeLessThanOrEqual(60);
    expect(real.requests.every((r) => r.method === 'GET' && r.region !== undefined)).toBe(true);
  });

  it('exits 2 with a message when the real side is not configured', async () => {
    const result = await run([], {});
    expect(result.stderr).toMatch(/CLOUDIMAGES_ENDPOINT is not set/);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });
});
