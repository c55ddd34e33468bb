import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useApi } from '../helpers/api-server.js';
import { stubImage, useStubUpstream } from '../helpers/stub-upstream.js';

/** A by-id lookup never waits for the request's list calls, of its own region or another: it is primed only by lists that already answered. */

const IMAGE = stubImage(1, { name: 'detail' });

const stub = useStubUpstream();
const api = useApi(() => ({ endpoint: stub.url }));

describe('by-id lookups beside a list the upstream holds', () => {
  it.each([
    ['of another region', 'images(region: "cn-east-3", first: 5)'],
    ['of the same region (an unrelated alias)', 'images(region: "cn-north-4", first: 5, filter: { name: "unrelated" })'],
  ])('do not wait for a list %s', async (_label, list) => {
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
      if (req.url?.includes('limit=')) {
        heldList = res;
        return;
      }
      answered.push('by-id');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ images: [IMAGE] }));
      answerList();
    });
    try {
      const result = await api.query<{ list: { nodes: unknown[] }; detail: { name: string } }>(
        `{ list: ${list} { nodes { imageId } } detail: image(region: "cn-north-4", imageId: "${IMAGE.id as string}") { name } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.detail.name).toBe('detail');
      expect(answered).toEqual(['by-id', 'list']);
    } finally {
      clearTimeout(valve);
    }
  });
});
