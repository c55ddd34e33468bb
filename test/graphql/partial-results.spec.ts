import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { useApi } from '../helpers/api-server.js';
import { reply, stubImage, useStubUpstream } from '../helpers/stub-upstream.js';

/**
 * Failures as small as the fault: one unreadable image is one null and one error, a failed probe
 * costs no page, and a cursor whose image is gone says so. Against a scripted stub upstream.
 */

const image = stubImage;

const logLines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});
const stub = useStubUpstream();
const api = useApi(() => ({ endpoint: stub.url, log: pino({ level: 'warn' }, sink) }));
afterEach(() => {
  stub.reset();
  logLines.length = 0;
});

describe('one unreadable image in a page of 20', () => {
  const page = Array.from({ length: 21 }, (_, n) => image(n, n === 4 ? { created_at: 'not-a-date' } : {}));

  it('is null in its slot with an UPSTREAM_ERROR at its path; the other 19 and the sibling fields come back', async () => {
    stub.setFallback((req, res) => reply(200, { images: req.url?.includes('id=') ? [image(99)] : page })(req, res));
    const result = await api.query<{
      images: { edges: ({ cursor: string; node: { name: string; createdAt: string } | null } | null)[]; nodes: ({ name: string; createdAt: string } | null)[] };
      other: { name: string } | null;
    }>(`{
      images(region: "cn-north-4", first: 20) { edges { cursor node { name createdAt } } nodes { name createdAt } }
      other: image(region: "cn-north-4", imageId: "${image(99).id as string}") { name }
    }`);

    expect(result.data).not.toBeNull();
    const edges = result.data!.images.edges;
    expect(edges).toHaveLength(20);
    expect(edges[4]).toEqual({ cursor: expect.any(String), node: null });
    expect(edges.filter((edge) => edge?.node === null)).toHaveLength(1);
    expect(edges.map((edge) => edge?.node?.name).filter(Boolean)).toEqual(page.slice(0, 20).filter((_, n) => n !== 4).map((row) => row.name));
    expect(result.data!.images.nodes[4]).toBeNull();
    expect(result.data!.images.nodes.filter((node) => node !== null)).toHaveLength(19);
    expect(result.data!.other).toEqual({ name: 'image 99' });

    const errors = (result.errors ?? []).map((error) => [error.path, error.extensions?.code]);
    expect(errors).toEqual(
      expect.arrayContaining([
        [['images', 'edges', 4, 'node', 'createdAt'], 'UPSTREAM_ERROR'],
        [['images', 'nodes', 4, 'createdAt'], 'UPSTREAM_ERROR'],
      ]),
    );
    expect(errors).toHaveLength(2);
  });
});

describe('the probe of a full page of 500', () => {
  it('answers hasNextPage true when it fails, keeps the page, and logs the failure', async () => {
    const full = Array.from({ length: 500 }, (_, n) => image(n));
    stub.enqueue(reply(200, { images: full }), reply(500, { error_code: 'IEC.000001', error_msg: 'internal' }));
    const result = await api.query<{ images: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } }>(
      '{ images(region: "cn-north-4", first: 500) { nodes { imageId } pageInfo { hasNextPage } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.images.nodes).toHaveLength(500);
    expect(result.data?.images.pageInfo.hasNextPage).toBe(true);
    expect(stub.requests.map((request) => request.query.limit)).toEqual(['500', '1']);
    expect(logLines.some((line) => line.level === 40 && String(line.msg).includes('probe'))).toBe(true);
  });
});

describe('a cursor whose image is gone', () => {
  it.each([
    ['after', 'first'],
    ['before', 'last'],
  ])('as `%s`: the upstream 400 becomes "no longer valid, start from the first page"', async (argument, size) => {
    const rows = [image(1), image(2)];
    stub.enqueue(reply(200, { images: rows }));
    const first = await api.query<{ images: { pageInfo: { endCursor: string } } }>('{ images(region: "cn-north-4", first: 1) { pageInfo { endCursor } } }');
    const cursor = first.data!.images.pageInfo.endCursor;
    stub.enqueue(reply(400, { error_code: 'IEC.000006', error_msg: 'Illegal query parameter: marker' }));
    const result = await api.query(`query ($c: String) { images(region: "cn-north-4", ${size}: 5, ${argument}: $c) { nodes { imageId } } }`, { c: cursor });
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.message).toMatch(new RegExp(`\`${argument}\` is no longer valid.*first page`));
    expect(result.errors?.[0]?.message).not.toContain('IEC.000006');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('a 400 without a cursor keeps its own message (control)', async () => {
    stub.enqueue(reply(400, { error_code: 'IEC.000006', error_msg: 'Illegal query parameter: name' }));
    const result = await api.query('{ images(region: "cn-north-4", first: 5) { nodes { imageId } } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('IEC.000006');
  });
});
