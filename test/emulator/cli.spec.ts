import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

function cli(args: string[]): ChildProcess {
  // No inherited environment: the CLI reads flags only (PORT=1 would be an unusable port if it were read).
  const child = spawn(process.execPath, [join(out, 'dist/emulator/cli.js'), ...args], { env: { PATH: process.env.PATH ?? '', PORT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args);
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
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    expect(output).toContain('cli-token  -> project cli-project');
    expect(output).toContain('CLIAK  -> project cli-project');
    expect(output).not.toContain('cli-secret-sk');
    const answer = await fetch(`${url}/v1/cloudimages/cn-north-4?limit=1`, { headers: { 'X-Auth-Token': 'cli-token' } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('4');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
