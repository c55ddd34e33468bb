import { describe, expect, it } from 'vitest';
import { DiskFormat } from '../../src/graphql/image/disk-format.enum.js';
import { FirmwareType } from '../../src/graphql/image/firmware-type.enum.js';
import { ImageStatus } from '../../src/graphql/image/image-status.enum.js';
import { ImageType } from '../../src/graphql/image/image-type.enum.js';
import { ImageVisibility } from '../../src/graphql/image/image-visibility.enum.js';
import { imageGlobalId, READ_FIELDS, toImage } from '../../src/graphql/image/image.mapper.js';
import type { Image } from '../../src/graphql/image/image.type.js';
import { OsType } from '../../src/graphql/image/os-type.enum.js';
import { VirtualEnvType } from '../../src/graphql/image/virtual-env-type.enum.js';
import { fromGlobalId } from '../../src/graphql/relay/global-id.js';
import { ByteSizeScalar } from '../../src/graphql/scalars/byte-size.scalar.js';
import { isoDateTime } from '../../src/graphql/image/upstream-date.js';
import { wireDate } from '../../src/upstream/wire.js';
import { CloudImagesError } from '../../src/upstream/errors.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import fc from 'fast-check';
import { assertObjectType, getNamedType, getNullableType, GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLString, isEnumType, isListType } from 'graphql';
import { createSchema } from '../../src/schema.js';

/** Pure tests of the wire → GraphQL mapper, with hand-written wire objects for every quirk. */

/** Every field an Image reads from the wire, as a plain object (the fields are getters, read on demand). */
function plain(image: Image): Record<string, unknown> {
  const fields = (object: object, names: readonly string[]) => Object.fromEntries(names.map((name) => [name, (object as Record<string, unknown>)[name]]));
  return { ...fields(image, READ_FIELDS.image), region: image.region, raw: image.raw, os: fields(image.os, READ_FIELDS.os), support: fields(image.support, READ_FIELDS.support) };
}

const REGION = 'cn-north-4';

/** Only the fields the official SDK marks required, every optional one absent. */
function minimal(overrides: Partial<ImageInfo> & Record<string, unknown> = {}): ImageInfo {
  return {
    id: '0b5e3c1a-1111-4222-8333-944455556666',
    name: 'CentOS 7.9 64bit',
    status: 'active',
    visibility: 'public',
    __imagetype: 'gold',
    __os_type: 'Linux',
    __image_size: '1073741824',
    created_at: '2020-12-30T03:23:29Z',
    updated_at: '2021-01-04T10:00:00Z',
    min_disk: 40,
    min_ram: 0,
    owner: 'c5f6d4b3a2e14f0e9d8c7b6a5f4e3d2c',
    protected: true,
    tags: [],
    virtual_env_type: 'FusionCompute',
    ...overrides,
  } as ImageInfo;
}

/** A wire object with every documented key (and a few undocumented ones) set. */
function full(): ImageInfo {
  return {
    id: '3a2b1c0d-aaaa-4bbb-8ccc-ddddeeeeffff',
    name: 'web-server-prod-20240101',
    status: 'saving',
    visibility: 'private',
    __imagetype: 'private',
    __isregistered: 'true',
    __os_type: 'Windows',
    __os_version: 'Windows Server 2019 Datacenter 64bit English',
    __os_bit: '64',
    __platform: 'Windows',
    __image_size: '30064771072',
    __image_source_type: 'uds',
    __backup_id: 'b1b1b1b1-0000-4000-8000-000000000001',
    __data_origin: 'server_backup,b1b1b1b1-0000-4000-8000-000000000001',
    __description: 'Hardened base image',
    __originalimagename: 'p0p0p0p0-0000-4000-8000-000000000002',
    __productcode: '00301-123456-0--0',
    __root_origin: 'file',
    __sequence_num: '0',
    __support_kvm: 'true',
    __support_xen: 'true',
    __support_largememory: 'true',
    __support_diskintensive: 'true',
    __support_highperformance: 'true',
    __support_kvm_infiniband: 'true',
    __support_xen_hana: 'true',
    __support_kvm_gpu_type: 'V100_vGPU',
    __support_xen_gpu_type: 'M60_vGPU',
    __support_arm: 'true',
    __support_amd: 'true',
    __support_gpu_t4: 'true',
    __lazyloading: 'true',
    checksum: 'd41d8cd98f00b204e9800998ecf8427e',
    size: 2,
    virtual_size: 42949672960,
    container_format: 'bare',
    disk_format: 'zvhd2',
    created_at: '2024-01-01T08:00:00Z',
    updated_at: '2024-01-02T09:30:15Z',
    enterprise_project_id: '0',
    file: '/v2/images/3a2b1c0d-aaaa-4bbb-8ccc-ddddeeeeffff/file',
    min_disk: 60,
    min_ram: 2048,
    max_ram: '1048576',
    owner: '0a5b4c3d2e1f4a9b8c7d6e5f4a3b2c1d',
    protected: false,
    schema: '/v2/schemas/image',
    self: '/v2/images/3a2b1c0d-aaaa-4bbb-8ccc-ddddeeeeffff',
    tags: ['env=prod', 'team=web'],
    virtual_env_type: 'Ironic',
    hw_firmware_type: 'uefi',
    hw_vif_multiqueue_enabled: 'true',
    deleted: false,
    deleted_at: '',
    data_source: 'instance:c2c2c2c2-0000-4000-8000-000000000003',
  };
}

describe('toImage: every field of a fully populated wire image', () => {
  it('maps every documented key to its camelCase field, typed', () => {
    const raw = full();
    const image = toImage(raw, REGION);
    expect(plain(image)).toEqual({
      id: imageGlobalId(REGION, raw.id),
      imageId: raw.id,
      region: REGION,
      name: 'web-server-prod-20240101',
      description: 'Hardened base image',
      status: ImageStatus.SAVING,
      visibility: ImageVisibility.PRIVATE,
      imageType: ImageType.PRIVATE,
      registered: true,
      owner: '0a5b4c3d2e1f4a9b8c7d6e5f4a3b2c1d',
      protected: false,
      tags: ['env=prod', 'team=web'],
      os: { type: OsType.WINDOWS, version: 'Windows Server 2019 Datacenter 64bit English', bit: 64, platform: 'Windows' },
      support: {
        kvm: true,
        xen: true,
        largeMemory: true,
        diskIntensive: true,
        highPerformance: true,
        kvmInfiniband: true,
        xenHana: true,
        arm: true,
        amd: true,
        gpuT4: true,
        kvmGpuType: 'V100_vGPU',
        xenGpuType: 'M60_vGPU',
      },
      diskFormat: DiskFormat.ZVHD2,
      containerFormat: 'bare',
      imageSize: '30064771072',
      minDisk: 60,
      minRam: 2048,
      maxRam: 1048576,
      virtualEnvType: VirtualEnvType.IRONIC,
      firmwareType: FirmwareType.UEFI,
      createdAt: '2024-01-01T08:00:00.000Z',
      updatedAt: '2024-01-02T09:30:15.000Z',
      parentImageId: 'p0p0p0p0-0000-4000-8000-000000000002',
      imageSourceType: 'uds',
      backupId: 'b1b1b1b1-0000-4000-8000-000000000001',
      dataOrigin: 'server_backup,b1b1b1b1-0000-4000-8000-000000000001',
      dataSource: 'instance:c2c2c2c2-0000-4000-8000-000000000003',
      productCode: '00301-123456-0--0',
      rootOrigin: 'file',
      sequenceNum: '0',
      checksum: 'd41d8cd98f00b204e9800998ecf8427e',
      size: '2',
      virtualSize: '42949672960',
      enterpriseProjectId: '0',
      file: '/v2/images/3a2b1c0d-aaaa-4bbb-8ccc-ddddeeeeffff/file',
      schema: '/v2/schemas/image',
      self: '/v2/images/3a2b1c0d-aaaa-4bbb-8ccc-ddddeeeeffff',
      vifMultiqueueEnabled: true,
      lazyLoading: true,
      deleted: false,
      deletedAt: null,
      raw,
    });
  });

  it('keeps `raw` as the very object received, undocumented keys included, and does not modify it', () => {
    const raw = { ...full(), __support_future_flag: 'true', nested: { a: [1, 2] } } as ImageInfo;
    const snapshot = structuredClone(raw);
    const image = toImage(Object.freeze(raw), REGION);
    expect(image.raw).toBe(raw);
    expect(image.raw).toEqual(snapshot);
    expect(raw).toEqual(snapshot);
  });

  it('encodes region and image id in a global id that decodes back, distinct per region', () => {
    const raw = full();
    const here = toImage(raw, 'cn-north-4');
    const there = toImage(raw, 'tr-west-1');
    expect(fromGlobalId(here.id)).toEqual({ type: 'Image', scope: 'cn-north-4', localId: raw.id });
    expect(fromGlobalId(there.id)).toEqual({ type: 'Image', scope: 'tr-west-1', localId: raw.id });
    expect(here.id).not.toBe(there.id);
    expect(here.id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('toImage: a minimal wire image (every optional key absent)', () => {
  it('gives null for optional fields, false for every support flag, null for `registered`', () => {
    const image = toImage(minimal(), REGION);
    expect(image.registered).toBeNull();
    expect(plain(image).support).toEqual({
      kvm: false,
      xen: false,
      largeMemory: false,
      diskIntensive: false,
      highPerformance: false,
      kvmInfiniband: false,
      xenHana: false,
      arm: false,
      amd: false,
      gpuT4: false,
      kvmGpuType: null,
      xenGpuType: null,
    });
    expect(plain(image).os).toEqual({ type: OsType.LINUX, version: null, bit: null, platform: null });
    for (const field of [
      'description',
      'diskFormat',
      'containerFormat',
      'maxRam',
      'firmwareType',
      'parentImageId',
      'imageSourceType',
      'backupId',
      'dataOrigin',
      'dataSource',
      'productCode',
      'rootOrigin',
      'sequenceNum',
      'checksum',
      'size',
      'virtualSize',
      'enterpriseProjectId',
      'file',
      'schema',
      'self',
      'vifMultiqueueEnabled',
      'lazyLoading',
      'deleted',
      'deletedAt',
    ] as const) {
      expect(image[field], field).toBeNull();
    }
    expect(image.tags).toEqual([]);
    expect(image.minDisk).toBe(40);
    expect(image.minRam).toBe(0);
    expect(image.protected).toBe(true);
  });

  it('reads "" as "none" in optional text fields and enums', () => {
    const image = toImage(
      minimal({ __description: '', __originalimagename: '', __data_origin: '', disk_format: '', hw_firmware_type: '', __support_kvm_gpu_type: '', enterprise_project_id: '', deleted_at: '' }),
      REGION,
    );
    expect(image.description).toBeNull();
    expect(image.parentImageId).toBeNull();
    expect(image.dataOrigin).toBeNull();
    expect(image.diskFormat).toBeNull();
    expect(image.firmwareType).toBeNull();
    expect(image.support.kvmGpuType).toBeNull();
    expect(image.enterpriseProjectId).toBeNull();
    expect(image.deletedAt).toBeNull();
  });
});

describe('toImage: booleans in every spelling', () => {
  const SUPPORT: [string, keyof ReturnType<typeof toImage>['support']][] = [
    ['__support_kvm', 'kvm'],
    ['__support_xen', 'xen'],
    ['__support_largememory', 'largeMemory'],
    ['__support_diskintensive', 'diskIntensive'],
    ['__support_highperformance', 'highPerformance'],
    ['__support_kvm_infiniband', 'kvmInfiniband'],
    ['__support_xen_hana', 'xenHana'],
    ['__support_arm', 'arm'],
    ['__support_amd', 'amd'],
    ['__support_gpu_t4', 'gpuT4'],
  ];
  const SPELLINGS: [string, unknown, boolean][] = [
    ['"true"', 'true', true],
    ['true', true, true],
    ['"false"', 'false', false],
    ['false', false, false],
    ['absent', undefined, false],
    ['null', null, false],
  ];

  for (const [wire, field] of SUPPORT) {
    it.each(SPELLINGS)(`${wire} = %s → support.${field}`, (_label, value, expected) => {
      const raw = value === undefined ? minimal() : minimal({ [wire]: value });
      expect(toImage(raw, REGION).support[field]).toBe(expected);
    });
  }

  it.each([
    ['"true"', 'true', true],
    ['true', true, true],
    ['"false"', 'false', false],
    ['false', false, false],
    ['absent', undefined, null],
    ['null', null, null],
    ['""', '', null],
  ] as [string, unknown, boolean | null][])('__isregistered = %s → registered %s', (_label, value, expected) => {
    const raw = value === undefined ? minimal() : minimal({ __isregistered: value as never });
    expect(toImage(raw, REGION).registered).toBe(expected);
  });

  it.each([
    ['hw_vif_multiqueue_enabled', 'vifMultiqueueEnabled'],
    ['__lazyloading', 'lazyLoading'],
    ['deleted', 'deleted'],
  ] as const)('%s: "true", true, "false", false, absent → true, true, false, false, null', (wire, field) => {
    expect(toImage(minimal({ [wire]: 'true' }), REGION)[field]).toBe(true);
    expect(toImage(minimal({ [wire]: true }), REGION)[field]).toBe(true);
    expect(toImage(minimal({ [wire]: 'false' }), REGION)[field]).toBe(false);
    expect(toImage(minimal({ [wire]: false }), REGION)[field]).toBe(false);
    expect(toImage(minimal(), REGION)[field]).toBeNull();
  });

  it('protected as a JSON boolean, or (drifting) as a string', () => {
    expect(toImage(minimal({ protected: false }), REGION).protected).toBe(false);
    expect(toImage(minimal({ protected: true }), REGION).protected).toBe(true);
    expect(toImage(minimal({ protected: 'true' as never }), REGION).protected).toBe(true);
    expect(toImage(minimal({ protected: 'false' as never }), REGION).protected).toBe(false);
  });
});

describe('toImage: enum values the API does not know', () => {
  it.each([
    ['status', 'pending_delete', 'status', ImageStatus.UNKNOWN],
    ['visibility', 'community', 'visibility', ImageVisibility.UNKNOWN],
    ['__imagetype', 'community', 'imageType', ImageType.UNKNOWN],
    ['disk_format', 'vmdk', 'diskFormat', DiskFormat.UNKNOWN],
    ['virtual_env_type', 'Docker', 'virtualEnvType', VirtualEnvType.UNKNOWN],
    ['hw_firmware_type', 'coreboot', 'firmwareType', FirmwareType.UNKNOWN],
    // Case matters on the wire: the reference spells these exactly.
    ['status', 'ACTIVE', 'status', ImageStatus.UNKNOWN],
    ['disk_format', 'ZVHD2', 'diskFormat', DiskFormat.UNKNOWN],
  ] as const)('%s = %j → %s UNKNOWN, raw keeps the original', (wire, value, field, expected) => {
    const image = toImage(minimal({ [wire]: value }), REGION);
    expect(image[field]).toBe(expected);
    expect(image.raw[wire]).toBe(value);
  });

  it('__os_type unknown → os.type UNKNOWN; a non-string value too', () => {
    expect(toImage(minimal({ __os_type: 'Solaris' }), REGION).os.type).toBe(OsType.UNKNOWN);
    expect(toImage(minimal({ __os_type: 7 as never }), REGION).os.type).toBe(OsType.UNKNOWN);
    expect(toImage(minimal({ status: undefined as never }), REGION).status).toBe(ImageStatus.UNKNOWN);
  });

  it.each([
    ['vhd', DiskFormat.VHD],
    ['zvhd', DiskFormat.ZVHD],
    ['zvhd2', DiskFormat.ZVHD2],
    ['raw', DiskFormat.RAW],
    ['qcow2', DiskFormat.QCOW2],
    ['iso', DiskFormat.ISO],
  ])('disk_format %s → %s', (wire, expected) => {
    expect(toImage(minimal({ disk_format: wire }), REGION).diskFormat).toBe(expected);
  });

  it('knows every documented value of the other enums', () => {
    const at = (o: Partial<ImageInfo>) => toImage(minimal(o), REGION);
    expect(['queued', 'saving', 'deleted', 'killed', 'active'].map((status) => at({ status }).status)).toEqual(['QUEUED', 'SAVING', 'DELETED', 'KILLED', 'ACTIVE']);
    expect(['public', 'private', 'shared'].map((visibility) => at({ visibility }).visibility)).toEqual(['PUBLIC', 'PRIVATE', 'SHARED']);
    expect(['gold', 'private', 'shared', 'market'].map((t) => at({ __imagetype: t }).imageType)).toEqual(['GOLD', 'PRIVATE', 'SHARED', 'MARKET']);
    expect(['Linux', 'Windows', 'Other'].map((t) => at({ __os_type: t }).os.type)).toEqual(['LINUX', 'WINDOWS', 'OTHER']);
    expect(['FusionCompute', 'Ironic', 'DataImage', 'IsoImage'].map((t) => at({ virtual_env_type: t }).virtualEnvType)).toEqual([
      'FUSION_COMPUTE',
      'IRONIC',
      'DATA_IMAGE',
      'ISO_IMAGE',
    ]);
    expect(['bios', 'uefi'].map((t) => at({ hw_firmware_type: t }).firmwareType)).toEqual(['BIOS', 'UEFI']);
  });
});

describe('toImage: sizes and numbers', () => {
  it.each([
    ['just under 4 GiB', '4294967295', '4294967295'],
    ['4 GiB', '4294967296', '4294967296'],
    ['900 GiB', '966367641600', '966367641600'],
    ['2^53 + 1 (beyond a JSON number)', '9007199254740993', '9007199254740993'],
    ['2^64 - 1', '18446744073709551615', '18446744073709551615'],
    ['zero', '0', '0'],
    ['padded', ' 5368709120 ', '5368709120'],
  ])('__image_size %s stays exact as a decimal string', (_label, wire, expected) => {
    const image = toImage(minimal({ __image_size: wire }), REGION);
    expect(image.imageSize).toBe(expected);
    expect(ByteSizeScalar.serialize(image.imageSize)).toBe(expected);
  });

  it('a JSON-number __image_size becomes its decimal string', () => {
    expect(toImage(minimal({ __image_size: 5368709120 as never }), REGION).imageSize).toBe('5368709120');
  });

  it.each([['abc'], ['-1'], ['1.5'], ['1e9'], ['']])('__image_size %j is unreadable → null', (wire) => {
    expect(toImage(minimal({ __image_size: wire }), REGION).imageSize).toBeNull();
  });

  it('size and virtual_size: integer, null or absent', () => {
    expect(toImage(minimal({ size: 0, virtual_size: null }), REGION)).toMatchObject({ size: '0', virtualSize: null });
    expect(toImage(minimal({ size: '12', virtual_size: 10737418240 }), REGION)).toMatchObject({ size: '12', virtualSize: '10737418240' });
  });

  it('__os_bit and max_ram arrive as strings and become Ints; unreadable or out of Int range → null', () => {
    expect(toImage(minimal({ __os_bit: '32', max_ram: '524288' }), REGION)).toMatchObject({ os: { bit: 32 }, maxRam: 524288 });
    expect(toImage(minimal({ __os_bit: 'x64', max_ram: '99999999999' }), REGION)).toMatchObject({ os: { bit: null }, maxRam: null });
  });

  it('min_disk and min_ram as numbers or numeric strings', () => {
    expect(toImage(minimal({ min_disk: 1024, min_ram: 4096 }), REGION)).toMatchObject({ minDisk: 1024, minRam: 4096 });
    expect(toImage(minimal({ min_disk: '100' as never, min_ram: '0' as never }), REGION)).toMatchObject({ minDisk: 100, minRam: 0 });
  });
});

describe('toImage: dates, tags and names', () => {
  it('UTC timestamps become ISO date-times at the same instant', () => {
    const image = toImage(minimal({ created_at: '2020-12-30T03:23:29Z', updated_at: '2021-02-28T23:59:59Z', deleted_at: '2021-03-01T00:00:00Z' }), REGION);
    expect(image.createdAt).toBe('2020-12-30T03:23:29.000Z');
    expect(image.updatedAt).toBe('2021-02-28T23:59:59.000Z');
    expect(image.deletedAt).toBe('2021-03-01T00:00:00.000Z');
  });

  it('an unreadable or absent required date is its field\'s UPSTREAM_ERROR, returned as the value; an unreadable deleted_at too', () => {
    const image = toImage(minimal({ created_at: 'yesterday', updated_at: undefined as never, deleted_at: '2021-13-01T00:00:00Z' }), REGION);
    expect(toImage(minimal({ deleted_at: 0 as never }), REGION).deletedAt).toBeNull();
    for (const [value, key] of [
      [image.createdAt, 'created_at'],
      [image.updatedAt, 'updated_at'],
      [image.deletedAt, 'deleted_at'],
    ] as const) {
      expect(value).toBeInstanceOf(CloudImagesError);
      expect(value).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringContaining(`\`${key}\``) });
    }
  });

  it('writes a wire date-time exactly as Date.prototype.toISOString would, whatever the string', () => {
    const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
    const plain = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), fc.constantFrom('', '.000', '.5', '.123', '.1234'), fc.constantFrom('Z', '', '+08:00', 'z'))
      .map(([y, mo, d, h, mi, s, fraction, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${zone}`);
    fc.assert(
      fc.property(fc.oneof(plain, fc.string()), (wire) => {
        const date = wireDate(wire);
        const iso = date === null || Number.isNaN(date.getTime()) ? null : date.toISOString();
        // Years past 9999 (or before 0) are written with six digits and a sign, which no DateTime client reads: unreadable.
        expect(isoDateTime(wire)).toBe(iso?.length === 24 ? iso : null);
      }),
      { numRuns: 5000 },
    );
    expect(isoDateTime('2024-02-29T23:59:59Z')).toBe('2024-02-29T23:59:59.000Z');
    expect(isoDateTime('+010000-01-01T00:00:00Z')).toBeNull();
    expect(isoDateTime('2024-02-29T23:59:59+08:00')).toBe('2024-02-29T15:59:59.000Z');
  });

  it('drops non-string tags and keeps the order of the rest', () => {
    expect(toImage(minimal({ tags: ['a=1', 2, null, 'b=2'] as never }), REGION).tags).toEqual(['a=1', 'b=2']);
    expect(toImage(minimal({ tags: undefined as never }), REGION).tags).toEqual([]);
  });

  it('keeps names exactly, Chinese and spaces included', () => {
    expect(toImage(minimal({ name: '生产环境基础镜像 v2' }), REGION).name).toBe('生产环境基础镜像 v2');
  });
});

describe('dates without a zone', () => {
  it('are read as UTC (what the upstream sends), whatever the server time zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      expect(new Date('2020-12-30T03:23:29').toISOString()).not.toBe('2020-12-30T03:23:29.000Z');
      const image = toImage(minimal({ created_at: '2020-12-30T03:23:29', updated_at: '2020-12-30T03:30:36.5', deleted_at: '2021-01-02T00:00' }), REGION);
      expect(image.createdAt).toBe('2020-12-30T03:23:29.000Z');
      expect(image.updatedAt).toBe('2020-12-30T03:30:36.500Z');
      expect(image.deletedAt).toBe('2021-01-02T00:00:00.000Z');
      expect(toImage(minimal({ created_at: '2020-12-30T11:23:29+08:00' }), REGION).createdAt).toBe('2020-12-30T03:23:29.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('every value a reader returns is already of its GraphQL type (what graphql-jit may write without serializing)', () => {
  it('for any wire object: strings for String and ID, 32-bit integers for Int, booleans for Boolean, a name for an enum; null or an error value otherwise', async () => {
    const schema = await createSchema();
    const wireValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(''), fc.constantFrom('true', 'false', '64', '2147483648', '-1'), fc.array(fc.string()), fc.dictionary(fc.string(), fc.string()));
    const keys = Object.keys(full());
    const wire = fc.record(Object.fromEntries(keys.map((key) => [key, wireValue])), { requiredKeys: [] }).map((record) => ({ ...record, id: 'x' }) as unknown as ImageInfo);
    const check = (typeName: string, object: object, names: readonly string[]): void => {
      const fields = assertObjectType(schema.getType(typeName)).getFields();
      for (const name of names) {
        const value = (object as Record<string, unknown>)[name];
        if (value === null || value instanceof CloudImagesError) continue;
        const type = getNamedType(fields[name]!.type);
        const items = isListType(getNullableType(fields[name]!.type)) ? (value as unknown[]) : [value];
        for (const item of items) {
          if (type === GraphQLString || type === GraphQLID) expect(typeof item, `${typeName}.${name}`).toBe('string');
          else if (type === GraphQLInt) expect(GraphQLInt.serialize(item), `${typeName}.${name}`).toBe(item);
          else if (type === GraphQLBoolean) expect(typeof item, `${typeName}.${name}`).toBe('boolean');
          else if (isEnumType(type)) expect(type.getValues().map((v) => v.name), `${typeName}.${name}`).toContain(item);
        }
      }
    };
    fc.assert(
      fc.property(wire, (raw) => {
        const image = toImage(raw, REGION);
        check('Image', image, READ_FIELDS.image);
        check('ImageOs', image.os, READ_FIELDS.os);
        check('ImageSupport', image.support, READ_FIELDS.support);
      }),
      { numRuns: 500 },
    );
  });
});
