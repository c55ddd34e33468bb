import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../helpers/api-server.js';
import { startStubUpstream, type StubUpstream } from '../helpers/stub-upstream.js';

/** A by-id lookup never waits for the request's list calls, of its own region or another: it is primed only by lists that already answered. */

const IMAGE = {
  id: '11111111-2222-4333-8444-555555555555',
  name: 'detail',
  status: 'active',
  visibility: 'public',
  __imagetype: 'gold',
  __os_type: 'Linux',
  __image_size: '1',
  created_at: '2020-12-30T03:23:29Z',
  updated_at: '2020-12-30T03:23:29Z',
  min_disk: 40,
  min_ram: 0,
  owner: 'o',
  protected: true,
  tags: [],
  virtual_env_type: 'FusionCompute',
};

let stub: StubUpstream;
let api: ApiHarness;
beforeAll(async () => {
  stub = await startStubUpstream();
  api = await startApi({ endpoint: stub.url });
});
afterAll(async () => {
  await api.close();
  await stub.close();
});

describe('by-id lookups beside a list of another region', () => {
  it('do not wait for that list', async () => {
    const answered: string[] = [];
    let heldList: ServerResponse | undefined;
    const answerList = (): void => {
      if (!heldList || heldList.headersSent) return;
      answered.push('list');
      heldList.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ images: [] }));
    };
    // Safety valve only: if the lookup wrongly waits for the list, the list is answered after a
    // while and the order below fails the test instead of hanging it.
    const valve = setTimeout(answerList, 3_000);
    stub.setFallback((req, res) => {
      if (req.url?.startsWith('/v1/cloudimages/cn-east-3')) {
        heldList = res;
        return;
      }
      answered.push('by-id');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ images: [IMAGE] }));
      answerList();
    });
    try {
      const result = await api.query<{ list: { nodes: unknown[] }; detail: { name: string } }>(
        `{ list: images(region: "cn-east-3", first: 5) { nodes { imageId } } detail: image(region: "cn-north-4", imageId: "${IMAGE.id}") { name } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.detail.name).toBe('detail');
      expect(answered).toEqual(['by-id', 'list']);
    } finally {
      clearTimeout(valve);
    }
  });
});

describe('by-id lookups beside a list of the same region', () => {
  it('do not wait for that list either', async () => {
    const answered: string[] = [];
    let heldList: ServerResponse | undefined;
    const answerList = (): void => {
      if (!heldList || heldList.headersSent) return;
      answered.push('list');
      heldList.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ images: [] }));
    };
    const valve = setTimeout(answerList, 3_000);
    stub.setFallback((req, res) => {
      if (req.url?.includes('limit=')) {
        heldList = res;
        return;
      }
      answered.push('by-id');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ images: [IMAGE] }));
      answerList();
    });
    try {
      const started = performance.now();
      const result = await api.query<{ list: { nodes: unknown[] }; detail: { name: string } }>(
        `{ list: images(region: "cn-north-4", first: 5, filter: { name: "unrelated" }) { nodes { imageId } } detail: image(region: "cn-north-4", imageId: "${IMAGE.id}") { name } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.detail.name).toBe('detail');
      expect(answered).toEqual(['by-id', 'list']);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      clearTimeout(valve);
    }
  });
});
