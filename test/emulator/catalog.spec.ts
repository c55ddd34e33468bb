import { beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/server.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, listPage, REGIONS, useEmulator, visibleSet, walk } from '../helpers/emulator-client.js';

const emulator = useEmulator();
/**
 * Every image of every region, as the two demo tenants together see them over REST: all that Alice
 * sees plus Bob's private images (tenants.spec.ts checks that both see the same public images).
 */
const byRegion = new Map<string, ImageInfo[]>();
let all: ImageInfo[];

beforeAll(async () => {
  await Promise.all(
    REGIONS.map(async (region) => {
      const [alice, bob] = await Promise.all([visibleSet(emulator, region, ALICE.token), walk(emulator, region, { visibility: 'private' }, BOB.token)]);
      byRegion.set(region, [...alice, ...bob.images]);
    }),
  );
  all = [...byRegion.values()].flat();
});

const values = (key: string): Set<unknown> => new Set(all.map((image) => image[key]));
const privateImages = (): ImageInfo[] => all.filter((image) => image.visibility === 'private');

describe('regions and volume', () => {
  it('serves the seven regions of the reference', async () => {
    expect([...emulator.catalog.keys()].sort()).toEqual([...REGIONS].sort());
    for (const region of REGIONS) expect(await listPage(emulator, region, { limit: 1 })).toHaveLength(1);
  });

  it.each(REGIONS)('%s holds several hundred images', (region) => {
    expect(byRegion.get(region)!.length).toBeGreaterThanOrEqual(300);
  });

  it('ids are unique across all regions', () => {
    expect(new Set(all.map((image) => image.id)).size).toBe(all.length);
  });
});

describe('determinism', () => {
  it('the same seed gives identical data; another seed gives other data', async () => {
    const [same, other] = await Promise.all([startEmulator({ seed: 20201230 }), startEmulator({ seed: 7 })]);
    try {
      const [mine, twin, different] = await Promise.all([
        listPage(emulator, 'la-north-2', { limit: 500 }),
        listPage(same, 'la-north-2', { limit: 500 }),
        listPage(other, 'la-north-2', { limit: 500 }),
      ]);
      expect(twin).toEqual(mine);
      expect(JSON.stringify(twin)).toBe(JSON.stringify(mine));
      const mineIds = new Set(mine.map((image) => image.id));
      expect(different.some((image) => mineIds.has(image.id))).toBe(false);
      for (const region of REGIONS) expect(JSON.stringify(same.catalog.get(region))).toBe(JSON.stringify(emulator.catalog.get(region)));
    } finally {
      await Promise.all([same.close(), other.close()]);
    }
  });
});

describe('realistic variety', () => {
  it('every status, OS type and image type occurs', () => {
    expect(values('status')).toEqual(new Set(['queued', 'saving', 'deleted', 'killed', 'active']));
    expect(values('__os_type')).toEqual(new Set(['Linux', 'Windows', 'Other']));
    expect(values('__imagetype')).toEqual(new Set(['gold', 'private', 'market']));
    expect(values('visibility')).toEqual(new Set(['public', 'private']));
  });

  it('public means gold or market; private means private', () => {
    expect(all.filter((image) => (image.visibility === 'public') !== (image.__imagetype === 'gold' || image.__imagetype === 'market'))).toEqual([]);
  });

  it('disk formats, virtualisation types and firmware types of the reference occur', () => {
    for (const format of ['vhd', 'zvhd', 'zvhd2', 'raw', 'qcow2', 'iso']) expect(values('disk_format')).toContain(format);
    expect(values('virtual_env_type')).toEqual(new Set(['FusionCompute', 'Ironic', 'DataImage', 'IsoImage']));
    expect(values('hw_firmware_type')).toEqual(new Set(['uefi', 'bios', undefined]));
  });

  it('GPU types, ARM and AMD images occur', () => {
    expect(values('__support_kvm_gpu_type')).toEqual(new Set(['V100_vGPU', 'RTX5000', undefined]));
    expect(values('__support_xen_gpu_type')).toEqual(new Set(['M60_vGPU', undefined]));
    expect(values('__support_arm')).toEqual(new Set(['true', 'false']));
    expect(values('__support_amd')).toEqual(new Set(['true', 'false', undefined]));
    expect(all.filter((i) => i.__support_arm === 'true').every((i) => i.hw_firmware_type === 'uefi' || i.hw_firmware_type === undefined)).toBe(true);
  });

  it('every documented __support_* flag occurs, and only as "true"', () => {
    for (const flag of ['__support_kvm', '__support_xen', '__support_largememory', '__support_diskintensive', '__support_highperformance', '__support_kvm_infiniband', '__support_xen_hana']) {
      expect(values(flag)).toEqual(new Set(['true', undefined]));
    }
  });

  it('OS versions, platforms and bits come from the reference', () => {
    expect(values('__os_bit')).toEqual(new Set(['32', '64']));
    for (const platform of ['Windows', 'Ubuntu', 'CentOS', 'EulerOS', 'Huawei Cloud EulerOS', 'Other']) expect(values('__platform')).toContain(platform);
    expect(values('__os_version')).toContain('CentOS 7.4 64bit');
    expect(values('__os_version')).toContain('Windows Server 2019 Datacenter 64bit English');
  });

  it('tags are string arrays, some of them non-empty', () => {
    expect(all.filter((image) => !Array.isArray(image.tags) || !image.tags.every((tag) => typeof tag === 'string'))).toEqual([]);
    expect(all.filter((image) => image.tags.length > 0).length).toBeGreaterThan(10);
  });

  it('sizes are decimal strings, some above 4 GiB and some below', () => {
    expect(all.filter((image) => !/^[1-9]\d*$/.test(image.__image_size))).toEqual([]);
    const fourGiB = 4n * 1024n ** 3n;
    expect(all.some((image) => BigInt(image.__image_size) > fourGiB)).toBe(true);
    expect(all.some((image) => BigInt(image.__image_size) < fourGiB)).toBe(true);
    expect(all.some((image) => BigInt(image.__image_size) > 2n ** 32n * 100n)).toBe(true);
  });

  it('parent images: __originalimagename names another image of the same region, or one since retired', () => {
    let children = 0;
    let orphans = 0;
    for (const [, images] of byRegion) {
      const idsHere = new Set(images.map((image) => image.id));
      for (const image of images) {
        const parent = image.__originalimagename;
        if (parent === undefined || parent === '') continue;
        children++;
        expect(parent).not.toBe(image.id);
        expect(parent).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        if (!idsHere.has(parent)) orphans++;
      }
    }
    expect(children).toBeGreaterThan(100);
    // A few parents no longer exist, most do.
    expect(orphans).toBeGreaterThan(0);
    expect(orphans).toBeLessThan(children * 0.2);
    expect(all.filter((i) => i.visibility === 'public').every((i) => i.__originalimagename === '')).toBe(true);
  });

  it('a private image can have a private parent', () => {
    const privateIds = new Set(privateImages().map((i) => i.id));
    expect(privateImages().some((i) => i.__originalimagename !== undefined && privateIds.has(i.__originalimagename))).toBe(true);
  });

  it('undocumented keys the real API sends are present', () => {
    for (const key of ['__support_gpu_t4', '__lazyloading', 'data_source', 'deleted', 'deleted_at']) {
      expect(all.some((image) => key in image), key).toBe(true);
    }
    expect(all.filter((image) => image.deleted !== (image.status === 'deleted'))).toEqual([]);
  });

  it('protected is always a JSON boolean, both values occur', () => {
    expect(all.every((image) => typeof image.protected === 'boolean')).toBe(true);
    expect(values('protected')).toEqual(new Set([true, false]));
  });

  it('__isregistered comes both as a JSON boolean and as a string', () => {
    expect(values('__isregistered')).toEqual(new Set(['true', 'false', true, false]));
  });

  it('market images carry a product code; private images of several origins occur', () => {
    expect(all.filter((i) => i.__imagetype === 'market').every((i) => typeof i.__productcode === 'string' && i.__productcode !== '')).toBe(true);
    expect(privateImages().some((i) => i.__root_origin === 'file')).toBe(true);
    expect(privateImages().some((i) => typeof i.__backup_id === 'string')).toBe(true);
    expect(privateImages().some((i) => /^[\u4e00-\u9fff]+/.test(i.name))).toBe(true);
  });
});

describe('wire shape', () => {
  const REQUIRED = ['id', 'name', 'status', 'visibility', '__imagetype', '__isregistered', '__os_type', '__image_size', '__image_source_type', 'container_format', 'created_at', 'updated_at', 'min_disk', 'min_ram', 'owner', 'protected', 'self', 'tags', 'virtual_env_type'];

  it('every image has the fields the official SDK requires', () => {
    const incomplete = all.filter((image) => REQUIRED.some((key) => image[key] === undefined || image[key] === null));
    expect(incomplete).toEqual([]);
  });

  it('ids look like UUIDs; timestamps are UTC seconds; updated_at is not before created_at', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const utc = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
    expect(all.filter((image) => !uuid.test(image.id) || !utc.test(image.created_at) || !utc.test(image.updated_at) || image.updated_at < image.created_at)).toEqual([]);
  });

  it('min_disk is 40..1024 GB and min_ram an integer', () => {
    expect(all.filter((image) => !Number.isInteger(image.min_disk) || image.min_disk < 40 || image.min_disk > 1024 || !Number.isInteger(image.min_ram))).toEqual([]);
  });

  it('names are 1..128 characters without leading or trailing space; private names follow the documented alphabet', () => {
    expect(all.filter((image) => image.name.length < 1 || image.name.length > 128 || image.name !== image.name.trim())).toEqual([]);
    expect(privateImages().filter((image) => !/^[\p{L}\p{N} ._-]+$/u.test(image.name))).toEqual([]);
  });

  it('owners: public images belong to two Huawei projects, private ones to the tenants', () => {
    const publicOwners = new Set(all.filter((i) => i.visibility === 'public').map((i) => i.owner));
    expect(publicOwners.size).toBe(2);
    expect(new Set(privateImages().map((i) => i.owner))).toEqual(new Set([ALICE.projectId, BOB.projectId]));
  });
});
