import { describe, expect, it } from 'vitest';
import { useApi } from '../helpers/api-server.js';

const api = useApi();

describe('images over HTTP', () => {
  it('answers a first page with exact pageInfo, through the emulator', async () => {
    const result = await api.query<{ images: { nodes: { imageId: string }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean } } }>(
      '{ images(region: "cn-north-4", first: 3) { nodes { imageId } pageInfo { hasNextPage hasPreviousPage } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.images.nodes).toHaveLength(3);
    expect(result.data?.images.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
    expect(api.emulator.apiRequests.at(-1)?.query).toMatchObject({ limit: '4', sort_key: 'created_at', sort_dir: 'desc' });
  });
});
