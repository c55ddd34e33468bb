import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, get, ids, listPage, listUrl, REGIONS, sortedIds, useEmulator, visibleSet, walk } from '../helpers/emulator-client.js';

const emulator = useEmulator();
const seen = new Map<string, { alice: ImageInfo[]; bob: ImageInfo[] }>();

beforeAll(async () => {
  await Promise.all(
    REGIONS.map(async (region) => {
      const [alice, bob] = await Promise.all([visibleSet(emulator, region, ALICE.token), visibleSet(emulator, region, BOB.token)]);
      seen.set(region, { alice, bob });
    }),
  );
});

function sets(region: string): { alice: ImageInfo[]; bob: ImageInfo[] } {
  const entry = seen.get(region);
  if (!entry) throw new Error(`no data for ${region}`);
  return entry;
}

describe('tenant isolation', () => {
  it.each(REGIONS)('%s: each tenant sees the public images and its own private images, nothing else', (region) => {
    const { alice, bob } = sets(region);
    for (const [mine, theirs, me] of [
      [alice, bob, ALICE.projectId],
      [bob, alice, BOB.projectId],
    ] as const) {
      const privates = mine.filter((i) => i.visibility !== 'public');
      expect(privates.length).toBeGreaterThan(0);
      expect(privates.every((i) => i.owner === me)).toBe(true);
      const theirPrivateIds = new Set(ids(theirs.filter((i) => i.visibility !== 'public')));
      expect(theirPrivateIds.size).toBeGreaterThan(0);
      expect(mine.some((i) => theirPrivateIds.has(i.id))).toBe(false);
    }
  });

  it.each(REGIONS)('%s: the public images (gold and market) are the same objects for both tenants', (region) => {
    const { alice, bob } = sets(region);
    const alicePublic = alice.filter((i) => i.visibility === 'public');
    const bobPublic = bob.filter((i) => i.visibility === 'public');
    expect(alicePublic.some((i) => i.__imagetype === 'gold')).toBe(true);
    expect(alicePublic.some((i) => i.__imagetype === 'market')).toBe(true);
    expect(bobPublic).toEqual(alicePublic);
  });

  it('the REST walk gives exactly public plus own images of the emulator catalog', () => {
    for (const region of REGIONS) {
      const catalog = emulator.catalog.get(region) ?? [];
      for (const [tenant, mine] of [
        [ALICE, sets(region).alice],
        [BOB, sets(region).bob],
      ] as const) {
        const expected = catalog.filter((i) => i.visibility === 'public' || i.owner === tenant.projectId);
        expect(sortedIds(mine)).toEqual(sortedIds(expected));
      }
    }
  });

  it('owner=<the other project> gives an empty list, in every region', async () => {
    for (const region of REGIONS) {
      expect(await listPage(emulator, region, { owner: BOB.projectId }, ALICE.token)).toEqual([]);
      expect(await listPage(emulator, region, { owner: ALICE.projectId }, BOB.token)).toEqual([]);
    }
    expect((await listPage(emulator, 'cn-north-4', { owner: BOB.projectId }, BOB.token)).length).toBeGreaterThan(0);
  });

  it('id=<an image of the other project> gives an empty list; the owner finds it', async () => {
    const { bob } = sets('cn-east-3');
    const bobsImages = bob.filter((i) => i.owner === BOB.projectId).slice(0, 5);
    expect(bobsImages).toHaveLength(5);
    for (const image of bobsImages) {
      expect(await listPage(emulator, 'cn-east-3', { id: image.id }, ALICE.token)).toEqual([]);
      expect(ids(await listPage(emulator, 'cn-east-3', { id: image.id }, BOB.token))).toEqual([image.id]);
    }
  });

  it('a private image of one tenant is not found in another region either', async () => {
    const image = sets('cn-north-4').alice.find((i) => i.owner === ALICE.projectId)!;
    expect(await listPage(emulator, 'cn-east-3', { id: image.id }, ALICE.token)).toEqual([]);
  });

  it('no filter reveals the other tenant: private listings, names they share, registered, protected', async () => {
    const { alice, bob } = sets('cn-north-4');
    const aliceNames = new Set(alice.filter((i) => i.owner === ALICE.projectId).map((i) => i.name));
    const sharedName = bob.find((i) => i.owner === BOB.projectId && aliceNames.has(i.name))?.name;
    const bobOnlyName = bob.find((i) => i.owner === BOB.projectId && !aliceNames.has(i.name))?.name;
    expect(sharedName).toBeDefined();
    expect(bobOnlyName).toBeDefined();
    const queries: Record<string, string>[] = [
      { visibility: 'private' },
      { __imagetype: 'private' },
      { __imagetype: 'private', __isregistered: 'true' },
      { protected: 'false' },
      { status: 'active' },
      { name: sharedName! },
      { name: bobOnlyName! },
      { __os_type: 'Other' },
    ];
    for (const query of queries) {
      const { images } = await walk(emulator, 'cn-north-4', query, ALICE.token);
      expect(images.some((i) => i.owner === BOB.projectId)).toBe(false);
    }
    expect(await listPage(emulator, 'cn-north-4', { name: bobOnlyName! }, ALICE.token)).toEqual([]);
    expect((await listPage(emulator, 'cn-north-4', { name: sharedName! }, ALICE.token)).every((i) => i.owner === ALICE.projectId)).toBe(true);
  });

  it('marker=<an image of the other project> is a 400 unknown marker', async () => {
    const bobsImage = sets('cn-north-4').bob.find((i) => i.owner === BOB.projectId)!;
    const answer = await get(listUrl(emulator, 'cn-north-4', { marker: bobsImage.id }), ALICE.token);
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error_code', 'error_msg']);
    expect(body.error_code).toBe('IEC.000006');
    const own = await get(listUrl(emulator, 'cn-north-4', { marker: bobsImage.id }), BOB.token);
    expect(own.status).toBe(200);
  });

  it('a public image works as a marker for both tenants', async () => {
    const publicImage = sets('cn-north-4').alice.find((i) => i.visibility === 'public')!;
    for (const token of [ALICE.token, BOB.token]) {
      expect((await get(listUrl(emulator, 'cn-north-4', { marker: publicImage.id, limit: 1 }), token)).status).toBe(200);
    }
  });
});

describe('configured tenants', () => {
  const custom = useEmulator({
    tenants: [
      { token: 'token-one', projectId: 'project-shared' },
      { token: 'token-two', projectId: 'project-shared' },
      { token: 'token-three', projectId: 'project-three' },
    ],
  });

  it('two tokens of one project see the same images; another project sees other private images', async () => {
    const one = await visibleSet(custom, 'tr-west-1', 'token-one');
    const two = await visibleSet(custom, 'tr-west-1', 'token-two');
    const three = await visibleSet(custom, 'tr-west-1', 'token-three');
    expect(two).toEqual(one);
    expect(one.filter((i) => i.visibility === 'private').every((i) => i.owner === 'project-shared')).toBe(true);
    expect(three.filter((i) => i.visibility === 'private').every((i) => i.owner === 'project-three')).toBe(true);
    expect(three.filter((i) => i.visibility === 'private').length).toBeGreaterThan(0);
    expect(sortedIds(one.filter((i) => i.visibility === 'public'))).toEqual(sortedIds(three.filter((i) => i.visibility === 'public')));
  });

  it('the demo tokens are unknown when other tenants are configured', async () => {
    const answer = await get(listUrl(custom, 'tr-west-1'), ALICE.token);
    expect(answer.status).toBe(401);
  });
});
