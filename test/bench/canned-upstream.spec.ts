import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCannedUpstream } from '../../bench/canned-upstream.js';
import { useEmulator } from '../helpers/emulator-client.js';

/** The benchmark's headline baseline replays the emulator's answers byte for byte, recording each once. */

const emulator = useEmulator();
let canned: ReturnType<typeof createCannedUpstream>;
let url: string;

beforeAll(async () => {
  canned = createCannedUpstream(emulator.url);
  await new Promise<void>((resolve) => canned.server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(canned.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => canned.server.close(resolve));
});

const get = (base: string, path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { 'x-auth-token': token } : {} });

describe('canned upstream', () => {
  it('answers with the status, headers and body the emulator sent, and records each URL and token once', async () => {
    const path = '/v1/cloudimages/cn-north-4?limit=3&sort_key=name&sort_dir=asc';
    const first = await get(url, path, 'demo-token-alice');
    const firstBody = await first.text();
    const second = await get(url, path, 'demo-token-alice');
    const direct = await get(emulator.url, path, 'demo-token-alice');

    expect(first.status).toBe(200);
    expect(await second.text()).toBe(firstBody);
    // The emulator's own body for the same call: the recording is the real answer.
    expect(firstBody).toBe(await direct.text());
    // Replayed: the same request id each time, where the emulator makes a new one per answer.
    expect(second.headers.get('x-request-id')).toBe(first.headers.get('x-request-id'));
    expect(direct.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(second.headers.get('content-type')).toBe(direct.headers.get('content-type'));
    expect(canned.stats).toMatchObject({ recorded: 1, passedOn: 1, served: 2 });

    // Another tenant's answer is recorded apart.
    const bob = await get(url, path, 'demo-token-bob');
    expect(bob.status).toBe(200);
    await bob.text();
    expect(canned.stats.passedOn).toBe(2);
  });

  it('replays refusals too (an error body is an answer), and says what it recorded at /__canned', async () => {
    const refused = await get(url, '/v1/cloudimages/cn-north-4?limit=1');
    const body = await refused.text();
    expect(refused.status).toBe(401);
    expect((await get(url, '/v1/cloudimages/cn-north-4?limit=1')).status).toBe(401);
    expect(JSON.parse(body)).toHaveProperty('error_code');
    const stats = (await (await get(url, '/__canned')).json()) as { recorded: number; passedOn: number; served: number };
    expect(stats).toEqual({ recorded: 3, passedOn: 3, served: 5 });
  });
});
