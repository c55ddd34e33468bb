import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator-client.js';

const emulator = useEmulator();

describe('emulator responses', () => {
  it('carries a fresh X-Request-Id on every answer, errors included', async () => {
    const ok = await fetch(`${emulator.url}/v1/cloudimages/cn-north-4?limit=1`, { headers: { 'X-Auth-Token': 'demo-token-alice' } });
    const denied = await fetch(`${emulator.url}/v1/cloudimages/cn-north-4`);
    const missing = await fetch(`${emulator.url}/v2/nothing`);
    const ids = [ok, denied, missing].map((r) => r.headers.get('x-request-id'));
    expect([ok.status, denied.status, missing.status]).toEqual([200, 401, 404]);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(3);
    expect(((await ok.json()) as { images: unknown[] }).images).toHaveLength(1);
  });
});
