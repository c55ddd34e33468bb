import { GraphQLError, GraphQLInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Architecture } from '../../../src/graphql/image/architecture.enum.js';
import { ImageFilter } from '../../../src/graphql/image/image-filter.input.js';
import { catalogQuery, derivedFilterOf, hasDerivedFields, textParam, toListQuery } from '../../../src/graphql/image/image-query.js';
import { ImageSortKey } from '../../../src/graphql/image/image-sort-key.enum.js';
import { ImageSort } from '../../../src/graphql/image/image-sort.input.js';
import { ImageStatusFilter } from '../../../src/graphql/image/image-status.enum.js';
import { ImageSupportFilter } from '../../../src/graphql/image/image-support-filter.input.js';
import { ImageTypeFilter } from '../../../src/graphql/image/image-type.enum.js';
import { ImageVisibilityFilter } from '../../../src/graphql/image/image-visibility.enum.js';
import { OsTypeFilter } from '../../../src/graphql/image/os-type.enum.js';
import { SortDirection } from '../../../src/graphql/image/sort-direction.enum.js';
import { VirtualEnvTypeFilter } from '../../../src/graphql/image/virtual-env-type.enum.js';
import { DERIVED_FIELDS } from '../../../src/images/derived-filter.js';
import type { ListingQuery } from '../../../src/upstream/wire.js';
import { createSchema } from '../../../src/schema.js';

/**
 * `ImageFilter` and `ImageSort` to the catalog's query (src/graphql/image/image-query.ts), called
 * with the input class instances type-graphql hands the resolvers: each field's wire parameter and
 * value, the default order, the refusals, and the derived part of a filter.
 */

/** An `ImageFilter` as a resolver receives it: an instance of the input class with the fields given. */
function filterOf(fields: Partial<ImageFilter>): ImageFilter {
  return Object.assign(new ImageFilter(), fields);
}

function supportOf(fields: Partial<ImageSupportFilter>): ImageSupportFilter {
  return Object.assign(new ImageSupportFilter(), fields);
}

function sortOf(fields: Partial<ImageSort>): ImageSort {
  return Object.assign(new ImageSort(), fields);
}

const DEFAULT_ORDER: ListingQuery = { sort_key: 'created_at', sort_dir: 'desc' };

/** What toListQuery / derivedFilterOf throws: a GraphQLError, or fails the test. */
function refusal(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('accepted');
}

const LONG = 'x'.repeat(256);
const LONGEST = 'x'.repeat(255);

/** Every upstream field of the filter, with its wire parameter and value. */
const UPSTREAM_CASES: [label: string, filter: Partial<ImageFilter>, wire: ListingQuery][] = [
  ['imageType GOLD', { imageType: ImageTypeFilter.GOLD }, { __imagetype: 'gold' }],
  ['imageType PRIVATE', { imageType: ImageTypeFilter.PRIVATE }, { __imagetype: 'private' }],
  ['registered true', { registered: true }, { __isregistered: true }],
  ['registered false', { registered: false }, { __isregistered: false }],
  ['osType LINUX', { osType: OsTypeFilter.LINUX }, { __os_type: 'Linux' }],
  ['osType WINDOWS', { osType: OsTypeFilter.WINDOWS }, { __os_type: 'Windows' }],
  ['osType OTHER', { osType: OsTypeFilter.OTHER }, { __os_type: 'Other' }],
  ['imageId', { imageId: 'a1b2' }, { id: 'a1b2' }],
  ['name', { name: 'CentOS 7.9 64bit' }, { name: 'CentOS 7.9 64bit' }],
  ['name of 255 characters', { name: LONGEST }, { name: LONGEST }],
  ['owner', { owner: 'c5f6d4b3' }, { owner: 'c5f6d4b3' }],
  ['protected true', { protected: true }, { protected: true }],
  ['protected false', { protected: false }, { protected: false }],
  ['status QUEUED', { status: ImageStatusFilter.QUEUED }, { status: 'queued' }],
  ['status SAVING', { status: ImageStatusFilter.SAVING }, { status: 'saving' }],
  ['status DELETED', { status: ImageStatusFilter.DELETED }, { status: 'deleted' }],
  ['status KILLED', { status: ImageStatusFilter.KILLED }, { status: 'killed' }],
  ['status ACTIVE', { status: ImageStatusFilter.ACTIVE }, { status: 'active' }],
  ['virtualEnvType FUSION_COMPUTE', { virtualEnvType: VirtualEnvTypeFilter.FUSION_COMPUTE }, { virtual_env_type: 'FusionCompute' }],
  ['visibility PUBLIC', { visibility: ImageVisibilityFilter.PUBLIC }, { visibility: 'public' }],
  ['visibility PRIVATE', { visibility: ImageVisibilityFilter.PRIVATE }, { visibility: 'private' }],
  ['support.kvm', { support: supportOf({ kvm: true }) }, { __support_kvm: true }],
  ['support.xen', { support: supportOf({ xen: true }) }, { __support_xen: true }],
  ['support.largeMemory', { support: supportOf({ largeMemory: true }) }, { __support_largememory: true }],
  ['support.diskIntensive', { support: supportOf({ diskIntensive: true }) }, { __support_diskintensive: true }],
  ['support.highPerformance', { support: supportOf({ highPerformance: true }) }, { __support_highperformance: true }],
  ['support.kvmInfiniband', { support: supportOf({ kvmInfiniband: true }) }, { __support_kvm_infiniband: true }],
  ['support.xenHana', { support: supportOf({ xenHana: true }) }, { __support_xen_hana: true }],
  ['support.kvmGpuType', { support: supportOf({ kvmGpuType: 'V100_vGPU' }) }, { __support_kvm_gpu_type: 'V100_vGPU' }],
  ['support.xenGpuType', { support: supportOf({ xenGpuType: 'M60_vGPU' }) }, { __support_xen_gpu_type: 'M60_vGPU' }],
  ['imageType PRIVATE with registered', { imageType: ImageTypeFilter.PRIVATE, registered: false }, { __imagetype: 'private', __isregistered: false }],
];

describe('toListQuery', () => {
  it.each(UPSTREAM_CASES)('%s → its wire parameter, beside the default order', (_label, filter, wire) => {
    expect(toListQuery(filterOf(filter), null)).toStrictEqual({ ...wire, ...DEFAULT_ORDER });
  });

  it('covers every field of ImageFilter and ImageSupportFilter in the schema (upstream here, derived below)', async () => {
    const schema = await createSchema();
    const fieldsOf = (name: string): string[] => Object.keys((schema.getType(name) as GraphQLInputObjectType).getFields());
    const covered = new Set(UPSTREAM_CASES.flatMap(([, filter]) => Object.entries(filter).flatMap(([key, value]) => (key === 'support' ? Object.keys(value as object).map((flag) => `support.${flag}`) : [key]))));
    expect([...fieldsOf('ImageFilter').filter((field) => field !== 'support'), ...fieldsOf('ImageSupportFilter').map((field) => `support.${field}`)].sort()).toEqual(
      [...covered, ...DERIVED_FIELDS].sort(),
    );
  });

  it('several fields at once give all their parameters, and nothing else', () => {
    const filter = filterOf({
      imageType: ImageTypeFilter.GOLD,
      osType: OsTypeFilter.LINUX,
      status: ImageStatusFilter.ACTIVE,
      support: supportOf({ kvm: true, kvmGpuType: 'T4', xen: null }),
      nameContains: 'ubuntu',
      hasGpu: true,
    });
    expect(toListQuery(filter, null)).toStrictEqual({ __imagetype: 'gold', __os_type: 'Linux', status: 'active', __support_kvm: true, __support_kvm_gpu_type: 'T4', ...DEFAULT_ORDER });
  });

  it('no filter, an empty one, or one of nulls and derived fields only: the order alone', () => {
    const nulls = filterOf({ imageType: null, registered: null, name: null, protected: null, support: supportOf({ kvm: null, kvmGpuType: null }) });
    const derivedOnly = filterOf({ nameContains: 'a', platform: 'Ubuntu', architecture: Architecture.ARM, hasGpu: false, createdAfter: new Date(0), createdBefore: new Date() });
    for (const filter of [null, undefined, filterOf({}), nulls, derivedOnly]) expect(toListQuery(filter, null)).toStrictEqual(DEFAULT_ORDER);
  });

  it('orders newest first (created_at desc) without a sort, and maps each key and direction', () => {
    expect(toListQuery(null, undefined)).toStrictEqual(DEFAULT_ORDER);
    expect(toListQuery(null, new ImageSort())).toStrictEqual(DEFAULT_ORDER);
    const keys: [ImageSortKey, ListingQuery['sort_key']][] = [
      [ImageSortKey.CREATED_AT, 'created_at'],
      [ImageSortKey.NAME, 'name'],
      [ImageSortKey.STATUS, 'status'],
      [ImageSortKey.DISK_FORMAT, 'disk_format'],
    ];
    for (const [key, sort_key] of keys) {
      expect(toListQuery(null, sortOf({ key, direction: SortDirection.ASC }))).toStrictEqual({ sort_key, sort_dir: 'asc' });
      expect(toListQuery(null, sortOf({ key, direction: SortDirection.DESC }))).toStrictEqual({ sort_key, sort_dir: 'desc' });
    }
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: LONG }],
    ['owner', { owner: '' }],
    ['owner', { owner: LONG }],
    ['imageId', { imageId: '' }],
    ['imageId', { imageId: LONG }],
    ['support.kvmGpuType', { support: supportOf({ kvmGpuType: '' }) }],
    ['support.kvmGpuType', { support: supportOf({ kvmGpuType: LONG }) }],
    ['support.xenGpuType', { support: supportOf({ xenGpuType: '' }) }],
    ['support.xenGpuType', { support: supportOf({ xenGpuType: LONG }) }],
  ] as [string, Partial<ImageFilter>][])('refuses empty or overlong text in %s, naming the field', (field, filter) => {
    const error = refusal(() => toListQuery(filterOf(filter), null));
    expect(error.message).toBe(`filter.${field}: must be 1 to 255 characters`);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter', field });
  });

  it.each(['kvm', 'xen', 'largeMemory', 'diskIntensive', 'highPerformance', 'kvmInfiniband', 'xenHana'] as const)('refuses support.%s: false, naming the field', (flag) => {
    const error = refusal(() => toListQuery(filterOf({ support: supportOf({ [flag]: false }) }), null));
    expect(error.message).toBe(`filter.support.${flag}: the image service can only require a support flag (true); it cannot filter on its absence`);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter', field: `support.${flag}` });
  });

  it.each([true, false])('refuses registered: %s with imageType GOLD, naming registered', (registered) => {
    const error = refusal(() => toListQuery(filterOf({ imageType: ImageTypeFilter.GOLD, registered }), null));
    expect(error.message).toBe('filter.registered: the image service ignores `registered` when listing GOLD images; leave one of them out');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter', field: 'registered' });
  });

  it('takes imageType GOLD with registered left out or null', () => {
    expect(toListQuery(filterOf({ imageType: ImageTypeFilter.GOLD, registered: null }), null)).toStrictEqual({ __imagetype: 'gold', ...DEFAULT_ORDER });
  });
});

describe('derivedFilterOf', () => {
  it('copies each derived field as given', () => {
    const after = new Date('2024-01-01T00:00:00.000Z');
    const before = new Date('2024-06-01T00:00:00.000Z');
    expect(derivedFilterOf(filterOf({ nameContains: 'Ubuntu 22' }))).toStrictEqual({ nameContains: 'Ubuntu 22' });
    expect(derivedFilterOf(filterOf({ platform: 'CentOS' }))).toStrictEqual({ platform: 'CentOS' });
    expect(derivedFilterOf(filterOf({ architecture: Architecture.ARM }))).toStrictEqual({ architecture: 'ARM' });
    expect(derivedFilterOf(filterOf({ architecture: Architecture.X86 }))).toStrictEqual({ architecture: 'X86' });
    expect(derivedFilterOf(filterOf({ hasGpu: true }))).toStrictEqual({ hasGpu: true });
    expect(derivedFilterOf(filterOf({ hasGpu: false }))).toStrictEqual({ hasGpu: false });
    expect(derivedFilterOf(filterOf({ createdAfter: after }))?.createdAfter).toBe(after);
    expect(derivedFilterOf(filterOf({ createdBefore: before }))?.createdBefore).toBe(before);
    expect(derivedFilterOf(filterOf({ name: 'x', nameContains: 'a', platform: 'b', architecture: Architecture.X86, hasGpu: true, createdAfter: after, createdBefore: before }))).toStrictEqual({
      nameContains: 'a',
      platform: 'b',
      architecture: 'X86',
      hasGpu: true,
      createdAfter: after,
      createdBefore: before,
    });
  });

  it('is undefined without a derived field: no filter, upstream fields only, or nulls', () => {
    const nulls = filterOf({ nameContains: null, platform: null, architecture: null, hasGpu: null, createdAfter: null, createdBefore: null });
    for (const filter of [null, undefined, filterOf({}), filterOf({ name: 'x', status: ImageStatusFilter.ACTIVE }), nulls]) expect(derivedFilterOf(filter)).toBeUndefined();
  });

  it.each([
    ['nameContains', { nameContains: '' }],
    ['nameContains', { nameContains: LONG }],
    ['platform', { platform: '' }],
    ['platform', { platform: LONG }],
  ] as [string, Partial<ImageFilter>][])('refuses empty or overlong text in %s, naming the field', (field, filter) => {
    const error = refusal(() => derivedFilterOf(filterOf(filter)));
    expect(error.message).toBe(`filter.${field}: must be 1 to 255 characters`);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter', field });
  });
});

describe('hasDerivedFields', () => {
  it('says whether any derived field is set, from plain arguments before validation', () => {
    expect([null, undefined, {}, { name: 'x', osType: 'LINUX' }, { nameContains: null, hasGpu: undefined }].map(hasDerivedFields)).toEqual([false, false, false, false, false]);
    for (const field of DERIVED_FIELDS) expect(hasDerivedFields({ [field]: field === 'hasGpu' ? false : 'x' }), field).toBe(true);
    // Even a value the catalog will refuse: pricing does not validate.
    expect(hasDerivedFields({ nameContains: '' })).toBe(true);
  });
});

describe('catalogQuery', () => {
  it('is the listing and the derived part of one filter and sort', () => {
    const filter = filterOf({ osType: OsTypeFilter.WINDOWS, platform: 'Windows', hasGpu: true });
    expect(catalogQuery(filter, sortOf({ key: ImageSortKey.NAME, direction: SortDirection.ASC }))).toStrictEqual({
      listing: { __os_type: 'Windows', sort_key: 'name', sort_dir: 'asc' },
      derived: { platform: 'Windows', hasGpu: true },
    });
    expect(catalogQuery(null, null)).toStrictEqual({ listing: DEFAULT_ORDER, derived: undefined });
  });

  it('refuses what either part refuses', () => {
    expect(refusal(() => catalogQuery(filterOf({ support: supportOf({ xen: false }) }), null)).extensions.field).toBe('support.xen');
    expect(refusal(() => catalogQuery(filterOf({ platform: '' }), null)).extensions.field).toBe('platform');
  });
});

describe('textParam', () => {
  it('passes 1 to 255 characters through unchanged, null and undefined as undefined', () => {
    expect(textParam('name', ' A b ')).toBe(' A b ');
    expect(textParam('name', 'x')).toBe('x');
    expect(textParam('name', LONGEST)).toBe(LONGEST);
    expect(textParam('name', null)).toBeUndefined();
    expect(textParam('name', undefined)).toBeUndefined();
  });

  it('refuses empty and overlong text with the field it is given', () => {
    for (const value of ['', LONG]) {
      const error = refusal(() => textParam('support.kvmGpuType', value));
      expect(error.message).toBe('filter.support.kvmGpuType: must be 1 to 255 characters');
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter', field: 'support.kvmGpuType' });
    }
  });
});
