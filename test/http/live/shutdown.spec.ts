import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALICE } from '../../helpers/tenants.js';
import { useLiveClients, watchSse, watchWs } from '../../helpers/live-clients.js';

/**
 * SIGTERM with subscriptions open, as `npm start` runs: every watch gets a last event saying the
 * server is going away (SHUTTING_DOWN) and completes, and the process exits, within the grace period.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));
let child: ChildProcess | undefined;

beforeAll(() => {
  // `npm test` builds first; this keeps the file runnable alone (tsc is incremental).
  const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
});

const live = useLiveClients();

it('SIGTERM: open watches over both transports get a last SHUTTING_DOWN event and complete; the process exits 0 within SHUTDOWN_GRACE_MS', { timeout: 30_000 }, async () => {
  const started = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    // Saving images stay saving for ten minutes: nothing ends the watches but the shutdown.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', EMULATOR_SAVING_MS: '600000', WATCH_INTERVAL_MS: '200', SHUTDOWN_GRACE_MS: '5000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    started.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL at (http:\/\/\S+)\/graphql/.exec(output);
      if (match) resolve(match[1]!);
    });
    started.once('exit', (code) => reject(new Error(`exited with ${code} before it listened: ${output}`)));
  });
  const { data } = (await (
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ query: '{ images(region: "cn-north-4", first: 1, filter: { status: SAVING, visibility: PRIVATE }) { nodes { imageId } } }' }),
    })
  ).json()) as { data: { images: { nodes: { imageId: string }[] } } };
  const variables = { region: 'cn-north-4', imageId: data.images.nodes[0]!.imageId };
  const watches = [watchWs(live.ws(url), variables), watchWs(live.ws(url), variables), watchSse(live.sse(url), variables)];
  for (const watch of watches) expect((await watch.nth(1)).data?.imageStatus?.status).toBe('SAVING');

  const signalled = Date.now();
  started.kill('SIGTERM');
  const exited = once(started, 'exit') as Promise<[number | null, string | null]>;
  await Promise.all(watches.map((watch) => watch.done));
  for (const watch of watches) {
    expect(watch.events).toHaveLength(2);
    const last = watch.events[1]!;
    expect(last.data).toEqual({ imageStatus: null });
    expect(last.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
    expect(last.errors?.[0]?.message).toMatch(/shutting down/);
  }
  const [code] = await exited;
  expect(code).toBe(0);
  // Well within the grace period: the watches ended at once rather than being cut at its end.
  expect(Date.now() - signalled).toBeLessThan(5000);
});
