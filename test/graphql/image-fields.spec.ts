import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, useApi } from '../helpers/api-server.js';
import { dataOf, expectedImage, IMAGE_FIELDS, restPage, restWalk, withoutGlobalId, type GqlImage } from '../helpers/graphql-oracle.js';
import { reply, useStubUpstream } from '../helpers/stub-upstream.js';

/**
 * Every field of `Image` over HTTP, compared with the REST oracle's wire object through an
 * independent mapping (helpers/graphql-oracle.ts), quirks included.
 */

const REGIONS = ['cn-north-4', 'cn-east-3', 'ap-southeast-1', 'ap-southeast-3', 'la-north-2', 'tr-west-1', 'eu-west-101'];
const REGION = 'tr-west-1';
const FOUR_GIB = 2n ** 32n;

const api = useApi();
let rest: ImageInfo[];
let listed: GqlImage[];

beforeAll(async () => {
  rest = await restWalk(api, REGION);
  const data = dataOf(await api.query<{ images: { nodes: GqlImage[] } }>(`{ images(region: "${REGION}", first: 500) { nodes { ${IMAGE_FIELDS} } } }`));
  listed = data.images.nodes;
});

function restImage(predicate: (image: ImageInfo) => boolean, what: string): ImageInfo {
  const found = rest.find(predicate);
  if (!found) throw new Error(`the emulator has no ${what} in ${REGION}`);
  return found;
}

function listedImage(imageId: string): GqlImage {
  const found = listed.find((image) => image.imageId === imageId);
  if (!found) throw new Error(`image ${imageId} not listed over GraphQL`);
  return found;
}

interface TypeFields {
  __type: { fields: { name: string; type: { kind: string; name: string | null; ofType: { name: string | null } | null } }[] } | null;
}

async function fieldsOf(type: string): Promise<string[]> {
  const data = dataOf(await api.query<TypeFields>(`{ __type(name: "${type}") { fields { name type { kind name ofType { name } } } } }`));
  return (data.__type?.fields ?? []).map((field) => field.name).sort();
}

function selected(selection: string): string[] {
  // Top-level names of a flat selection with one level of `{ ... }` sub-selections.
  return selection
    .replace(/\{[^}]*\}/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .sort();
}

describe('the oracle covers the schema', () => {
  it('IMAGE_FIELDS selects every field of Image (parentImage aside), ImageOs and ImageSupport', async () => {
    expect(selected(IMAGE_FIELDS)).toEqual((await fieldsOf('Image')).filter((name) => name !== 'parentImage'));
    expect(/os \{ ([^}]*) \}/.exec(IMAGE_FIELDS)![1]!.trim().split(/\s+/).sort()).toEqual(await fieldsOf('ImageOs'));
    expect(/support \{ ([^}]*) \}/.exec(IMAGE_FIELDS)![1]!.trim().split(/\s+/).sort()).toEqual(await fieldsOf('ImageSupport'));
  });
});

describe('every field of every image of a region', () => {
  it('lists the same images in the same order as the REST API', () => {
    expect(rest.length).toBeGreaterThan(200);
    expect(rest.length).toBeLessThan(500);
    expect(listed.map((image) => image.imageId)).toEqual(rest.map((image) => image.id));
  });

  it('maps every wire field of every image to its typed camelCase field', () => {
    for (const [i, raw] of rest.entries()) {
      expect(withoutGlobalId(listed[i]!), raw.id).toEqual(expectedImage(raw, REGION));
    }
  });

  it('`raw` deep-equals the REST object, key for key', () => {
    for (const [i, raw] of rest.entries()) {
      expect(listed[i]!.raw).toStrictEqual(raw);
      expect(Object.keys(listed[i]!.raw as object)).toEqual(Object.keys(raw));
    }
  });

  it('gives every image a distinct opaque global id', () => {
    const globalIds = new Set(listed.map((image) => image.id));
    expect(globalIds.size).toBe(listed.length);
    for (const image of listed) expect(image.id).not.toContain(image.imageId);
  });
});

describe('wire quirks, image by image', () => {
  it('`__isregistered` as the string "true" → registered true', () => {
    const raw = restImage((i) => i.__isregistered === 'true', 'image with __isregistered "true"');
    expect(listedImage(raw.id).registered).toBe(true);
  });

  it('`__isregistered` as the JSON boolean true → registered true', () => {
    const raw = restImage((i) => i.__isregistered === true, 'image with __isregistered true');
    expect(listedImage(raw.id).registered).toBe(true);
    expect((listedImage(raw.id).raw as ImageInfo).__isregistered).toBe(true);
  });

  it('`__isregistered` as the string "false" → registered false', () => {
    const raw = restImage((i) => i.__isregistered === 'false', 'image with __isregistered "false"');
    expect(listedImage(raw.id).registered).toBe(false);
  });

  it('`__isregistered` as the JSON boolean false → registered false', () => {
    const raw = restImage((i) => i.__isregistered === false, 'image with __isregistered false');
    expect(listedImage(raw.id).registered).toBe(false);
  });

  it('absent `__support_*` flags → false; "true" → true; "false" (__support_arm) → false', () => {
    const raw = restImage((i) => i.__support_xen === undefined && i.__support_kvm === 'true' && i.__support_arm === 'false', 'KVM-only image');
    const support = listedImage(raw.id).support as Record<string, unknown>;
    expect(support).toMatchObject({ kvm: true, xen: false, arm: false, xenHana: false, kvmInfiniband: false });
    expect(raw).not.toHaveProperty('__support_xen_hana');
    const arm = restImage((i) => i.__support_arm === 'true', 'ARM image');
    expect((listedImage(arm.id).support as Record<string, unknown>).arm).toBe(true);
  });

  it('GPU types and the undocumented `__support_gpu_t4`', () => {
    const v100 = restImage((i) => i.__support_kvm_gpu_type === 'V100_vGPU' && i.__support_gpu_t4 === 'true', 'V100 image with gpu_t4');
    expect(listedImage(v100.id).support).toMatchObject({ kvmGpuType: 'V100_vGPU', xenGpuType: null, gpuT4: true });
    const m60 = restImage((i) => i.__support_xen_gpu_type === 'M60_vGPU', 'M60 image');
    expect(listedImage(m60.id).support).toMatchObject({ xenGpuType: 'M60_vGPU', kvmGpuType: null });
  });

  it('sizes above 4 GiB arrive exact, as decimal strings', () => {
    const big = rest.filter((i) => BigInt(i.__image_size) > FOUR_GIB);
    expect(big.length).toBeGreaterThan(10);
    const largest = big.reduce((a, b) => (BigInt(a.__image_size) > BigInt(b.__image_size) ? a : b));
    expect(BigInt(largest.__image_size)).toBeGreaterThan(100n * 2n ** 30n);
    for (const raw of [...big, largest]) {
      const { imageSize } = listedImage(raw.id);
      expect(typeof imageSize).toBe('string');
      expect(imageSize).toBe(raw.__image_size);
    }
  });

  it('`deleted_at` "" → null; a deleted image carries both flags', () => {
    const live = restImage((i) => i.deleted_at === '', 'live image');
    expect(listedImage(live.id)).toMatchObject({ deleted: false, deletedAt: null });
    const gone = restImage((i) => i.status === 'deleted', 'deleted image');
    expect(listedImage(gone.id)).toMatchObject({ status: 'DELETED', deleted: true, deletedAt: new Date(gone.deleted_at as string).toISOString() });
  });

  it('`max_ram` string → Int; `virtual_size` null → null; `__os_bit` "64" → 64', () => {
    const raw = restImage((i) => typeof i.max_ram === 'string' && i.virtual_size === null, 'image with max_ram and virtual_size null');
    expect(listedImage(raw.id)).toMatchObject({ maxRam: Number(raw.max_ram), virtualSize: null, os: { bit: 64 } });
  });

  it('market images: imageType MARKET and their product code', () => {
    const raw = restImage((i) => i.__imagetype === 'market', 'market image');
    expect(listedImage(raw.id)).toMatchObject({ imageType: 'MARKET', productCode: raw.__productcode, visibility: 'PUBLIC' });
  });
});

describe('an enum value the API does not know', () => {
  it('a private image with disk_format "vmdk" reads as diskFormat UNKNOWN; `raw` keeps "vmdk"', async () => {
    let found: { region: string; raw: ImageInfo } | undefined;
    for (const region of REGIONS) {
      const raw = (await restPage(api, region, { __imagetype: 'private', limit: 500 })).find((image) => image.disk_format === 'vmdk');
      if (raw) {
        found = { region, raw };
        break;
      }
    }
    expect(found, 'alice has a vmdk image in some region').toBeDefined();
    const { region, raw } = found!;
    const data = dataOf(
      await api.query<{ image: GqlImage; images: { nodes: GqlImage[] } }>(
        `query($region: String!, $id: String!) {
          image(region: $region, imageId: $id) { ${IMAGE_FIELDS} }
          images(region: $region, filter: { imageId: $id }) { nodes { ${IMAGE_FIELDS} } }
        }`,
        { region, id: raw.id },
      ),
    );
    for (const image of [data.image, data.images.nodes[0]!]) {
      expect(image.diskFormat).toBe('UNKNOWN');
      expect((image.raw as ImageInfo).disk_format).toBe('vmdk');
      expect(withoutGlobalId(image)).toEqual(expectedImage(raw, region));
    }
    expect(data.images.nodes).toHaveLength(1);
  });
});

describe('global ids', () => {
  it('`node(id)` refetches each kind of image with identical fields', async () => {
    const picks = [
      restImage((i) => i.__imagetype === 'gold', 'gold image'),
      restImage((i) => i.__imagetype === 'market', 'market image'),
      restImage((i) => i.__imagetype === 'private' && i.virtual_env_type === 'DataImage', 'data image'),
      restImage((i) => i.__imagetype === 'private' && i.status === 'killed', 'killed private image'),
    ];
    for (const raw of picks) {
      const original = listedImage(raw.id);
      const data = dataOf(
        await api.query<{ node: GqlImage & { __typename: string } }>(`query($id: ID!) { node(id: $id) { __typename id ... on Image { ${IMAGE_FIELDS} } } }`, {
          id: original.id,
        }),
      );
      expect(data.node.__typename).toBe('Image');
      expect(data.node).toEqual({ __typename: 'Image', ...original });
    }
  });

  it('`image(region, imageId)` gives the same object and the same global id as the listing', async () => {
    const raw = restImage((i) => i.__imagetype === 'private' && i.__backup_id !== undefined, 'private image made from a backup');
    const data = dataOf(await api.query<{ image: GqlImage }>(`query($id: String!) { image(region: "${REGION}", imageId: $id) { ${IMAGE_FIELDS} } }`, { id: raw.id }));
    expect(data.image).toEqual(listedImage(raw.id));
    expect(data.image.backupId).toBe(raw.__backup_id);
  });

  it('the same image id in two regions gets two global ids, each refetching its own region', async () => {
    const raw = rest[0]!;
    const own = listedImage(raw.id);
    const data = dataOf(await api.query<{ node: { region: string; imageId: string } | null }>(`query($id: ID!) { node(id: $id) { ... on Image { region imageId } } }`, { id: own.id }));
    expect(data.node).toEqual({ region: REGION, imageId: raw.id });
    const other = dataOf(await api.query<{ image: { id: string } | null }>(`query($id: String!) { image(region: "cn-north-4", imageId: $id) { id } }`, { id: raw.id }));
    expect(other.image).toBeNull();
  });
});

describe('parentImage', () => {
  it('resolves a private image’s parent to the image named by `__originalimagename`', async () => {
    const child = restImage((i) => i.__imagetype === 'private' && typeof i.__originalimagename === 'string' && i.__originalimagename !== '' && rest.some((p) => p.id === i.__originalimagename), 'private image with a visible parent');
    const parent = rest.find((p) => p.id === child.__originalimagename)!;
    const data = dataOf(
      await api.query<{ image: { parentImageId: string; parentImage: GqlImage | null } }>(
        `query($id: String!) { image(region: "${REGION}", imageId: $id) { parentImageId parentImage { ${IMAGE_FIELDS} } } }`,
        { id: child.id },
      ),
    );
    expect(data.image.parentImageId).toBe(parent.id);
    expect(withoutGlobalId(data.image.parentImage!)).toEqual(expectedImage(parent, REGION));
  });

  it('is null for public images, which have no parent', async () => {
    const gold = restImage((i) => i.__imagetype === 'gold', 'gold image');
    const data = dataOf(await api.query<{ image: { parentImageId: string | null; parentImage: unknown } }>(`query($id: String!) { image(region: "${REGION}", imageId: $id) { parentImageId parentImage { imageId } } }`, { id: gold.id }));
    expect(data.image).toEqual({ parentImageId: null, parentImage: null });
  });
});

describe('quirks the emulator does not send, through a stub upstream', () => {
  const stub = useStubUpstream();
  const stubApi = useApi(() => ({ endpoint: stub.url }));

  const odd: ImageInfo = {
    id: '11111111-2222-4333-8444-555555555555',
    name: 'odd image',
    status: 'pending_delete',
    visibility: 'community',
    __imagetype: 'community',
    __os_type: 'Solaris',
    __image_size: '18446744073709551615',
    created_at: '2020-12-30T03:23:29Z',
    updated_at: '2020-12-30T03:23:29Z',
    min_disk: 40,
    min_ram: 0,
    owner: 'someone',
    protected: false,
    tags: ['a'],
    virtual_env_type: 'Docker',
    disk_format: 'vmdk',
    hw_firmware_type: 'coreboot',
    __support_kvm: true,
    __support_xen: 'false',
    __unheard_of: { nested: [1, 'two', null] },
  };

  it('absent `__isregistered` → null, unknown enums → UNKNOWN, 2^64-1 bytes exact, JSON booleans read, unknown keys kept', async () => {
    stub.setFallback(reply(200, { images: [odd] }, { 'x-request-id': 'stub-1' }));
    const data = dataOf(await stubApi.query<{ images: { nodes: GqlImage[] } }>(`{ images(region: "cn-north-4", first: 5) { nodes { ${IMAGE_FIELDS} } } }`));
    const [image] = data.images.nodes;
    expect(withoutGlobalId(image!)).toEqual(expectedImage(odd, 'cn-north-4'));
    expect(image).toMatchObject({
      registered: null,
      status: 'UNKNOWN',
      visibility: 'UNKNOWN',
      imageType: 'UNKNOWN',
      os: { type: 'UNKNOWN', version: null, bit: null, platform: null },
      virtualEnvType: 'UNKNOWN',
      diskFormat: 'UNKNOWN',
      firmwareType: 'UNKNOWN',
      imageSize: '18446744073709551615',
      support: { kvm: true, xen: false, largeMemory: false, arm: false },
      raw: odd,
    });
    expect(stub.requests.at(-1)?.headers['x-auth-token']).toBe(ALICE.token);
  });

  it('an unreadable date fails its field as UPSTREAM_ERROR, not an internal error, and raw keeps it', async () => {
    const broken = { ...odd, created_at: 'yesterday-ish' };
    stub.setFallback(reply(200, { images: [broken] }));
    const result = await stubApi.query<{ image: { raw: unknown; createdAt: string | null } | null }>(
      `{ image(region: "cn-north-4", imageId: "${odd.id}") { raw createdAt } }`,
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({ path: ['image', 'createdAt'], extensions: { code: 'UPSTREAM_ERROR' } });
    expect(result.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    expect(result.data?.image).toBeNull();
    const rawOnly = await stubApi.query<{ image: { raw: { created_at: string } } }>(`{ image(region: "cn-north-4", imageId: "${odd.id}") { raw } }`);
    expect(rawOnly.data?.image.raw.created_at).toBe('yesterday-ish');
  });
});
