import { describe, expect, it } from 'vitest';
import { useApi, type ApiHarness } from '../helpers/api-server.js';

/** COMPRESSION=true: large responses go gzip/brotli as Accept-Encoding allows; small ones and the default server stay plain. */

const BIG = JSON.stringify({ query: '{ images(region: "cn-north-4", first: 500) { nodes { raw } } }' });
const SMALL = JSON.stringify({ query: '{ images(region: "cn-north-4", first: 1) { nodes { imageId } } }' });

const compressing = useApi({ env: { COMPRESSION: 'true' } });
const plain = useApi();

async function post(api: ApiHarness, body: string, encoding: string): Promise<{ encoding: string | null; images: number }> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice', 'accept-encoding': encoding },
    body,
  });
  const json = (await response.json()) as { data: { images: { nodes: unknown[] } } };
  return { encoding: response.headers.get('content-encoding'), images: json.data.images.nodes.length };
}

describe('response compression', () => {
  it('compresses a page of 500 when asked, and the client reads the same data', async () => {
    expect(await post(compressing, BIG, 'gzip')).toEqual({ encoding: 'gzip', images: 500 });
    expect(await post(compressing, BIG, 'br')).toEqual({ encoding: 'br', images: 500 });
    expect(await post(compressing, BIG, 'identity')).toEqual({ encoding: null, images: 500 });
  });

  it('leaves small responses alone, and is off unless COMPRESSION=true', async () => {
    expect(await post(compressing, SMALL, 'gzip')).toEqual({ encoding: null, images: 1 });
    expect(await post(plain, BIG, 'gzip')).toEqual({ encoding: null, images: 500 });
  });
});
