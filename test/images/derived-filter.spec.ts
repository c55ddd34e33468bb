import { afterEach, describe, expect, it } from 'vitest';
import { architectureOf, gpuTypesOf, matchesDerived, type DerivedFilter } from '../../src/images/derived-filter.js';
import { countFacets, FACETS, latestActive, type Facet, type FacetFilters } from '../../src/images/facets.js';
import type { ImageInfo } from '../../src/upstream/wire.js';

/**
 * The filters the upstream cannot apply (src/images/derived-filter.ts) and facet counting
 * (src/images/facets.ts), as pure functions of hand-written wire images: each field's semantics,
 * the wire spellings they read, and which filter each facet leaves out.
 */

const BASE: ImageInfo = {
  id: 'img-0',
  name: 'CentOS 7.9 64bit',
  status: 'active',
  visibility: 'public',
  __imagetype: 'gold',
  __os_type: 'Linux',
  __image_size: '1073741824',
  created_at: '2024-03-01T12:00:00Z',
  updated_at: '2024-03-02T12:00:00Z',
  min_disk: 40,
  min_ram: 0,
  owner: 'c5f6d4b3a2e14f0e9d8c7b6a5f4e3d2c',
  protected: false,
  tags: [],
  virtual_env_type: 'FusionCompute',
};

/** A wire image: BASE with `fields` over it (any key, any value, as the upstream may send; undefined for absent). */
function image(fields: Record<string, unknown>): ImageInfo {
  return { ...BASE, ...fields } as ImageInfo;
}

const matches = (fields: Record<string, unknown>, filter: DerivedFilter): boolean => matchesDerived(image(fields), filter);

describe('matchesDerived', () => {
  it('with no derived field, matches every image, even one with nothing readable', () => {
    expect(matchesDerived(image({ name: undefined, created_at: 'garbage', __platform: undefined }), {})).toBe(true);
  });

  it('nameContains: a case-insensitive part of the name, CJK too, taken literally', () => {
    expect(matches({ name: 'Ubuntu 22.04 server 64bit' }, { nameContains: 'UBUNTU 22' })).toBe(true);
    expect(matches({ name: 'ubuntu' }, { nameContains: 'Ubuntu' })).toBe(true);
    expect(matches({ name: '欧拉 EulerOS 2.9 镜像' }, { nameContains: '镜像' })).toBe(true);
    expect(matches({ name: '欧拉 EulerOS 2.9 镜像' }, { nameContains: 'euleros 2.9' })).toBe(true);
    expect(matches({ name: 'Ubuntu 22.04' }, { nameContains: 'Debian' })).toBe(false);
    expect(matches({ name: 'Ubuntu 22.04' }, { nameContains: 'Ubuntu.*04' })).toBe(false);
    expect(matches({ name: 'Ubuntu 22.04' }, { nameContains: '22x04' })).toBe(false);
  });

  it('nameContains: an image without a string name matches nothing', () => {
    for (const name of [undefined, null, 42]) expect(matches({ name }, { nameContains: '4' })).toBe(false);
  });

  it('platform: exactly `__platform`, case and all', () => {
    expect(matches({ __platform: 'Ubuntu' }, { platform: 'Ubuntu' })).toBe(true);
    expect(matches({ __platform: 'Ubuntu' }, { platform: 'ubuntu' })).toBe(false);
    expect(matches({ __platform: 'Ubuntu' }, { platform: 'Ubunt' })).toBe(false);
    expect(matches({ __platform: 'Ubuntu Pro' }, { platform: 'Ubuntu' })).toBe(false);
    expect(matches({ __platform: undefined }, { platform: 'Ubuntu' })).toBe(false);
  });

  it('architecture: ARM for `__support_arm` "true" or true, X86 for anything else', () => {
    const arm: unknown[] = ['true', true];
    const x86: unknown[] = ['false', false, undefined, null, '', 'TRUE', 'True', '1', 1, 'yes'];
    for (const spelling of arm) {
      expect(matches({ __support_arm: spelling }, { architecture: 'ARM' }), String(spelling)).toBe(true);
      expect(matches({ __support_arm: spelling }, { architecture: 'X86' }), String(spelling)).toBe(false);
    }
    for (const spelling of x86) {
      expect(matches({ __support_arm: spelling }, { architecture: 'X86' }), String(spelling)).toBe(true);
      expect(matches({ __support_arm: spelling }, { architecture: 'ARM' }), String(spelling)).toBe(false);
    }
  });

  it('hasGpu: a KVM or XEN GPU type, or `__support_gpu_t4` "true" or true', () => {
    const gpu: Record<string, unknown>[] = [
      { __support_kvm_gpu_type: 'V100_vGPU' },
      { __support_xen_gpu_type: 'M60_vGPU' },
      { __support_gpu_t4: 'true' },
      { __support_gpu_t4: true },
      { __support_kvm_gpu_type: '', __support_gpu_t4: true },
    ];
    const none: Record<string, unknown>[] = [{}, { __support_kvm_gpu_type: '' }, { __support_xen_gpu_type: '' }, { __support_gpu_t4: 'false' }, { __support_gpu_t4: false }, { __support_kvm_gpu_type: 7 }];
    for (const fields of gpu) {
      expect(matches(fields, { hasGpu: true }), JSON.stringify(fields)).toBe(true);
      expect(matches(fields, { hasGpu: false }), JSON.stringify(fields)).toBe(false);
    }
    for (const fields of none) {
      expect(matches(fields, { hasGpu: false }), JSON.stringify(fields)).toBe(true);
      expect(matches(fields, { hasGpu: true }), JSON.stringify(fields)).toBe(false);
    }
  });

  it('createdAfter and createdBefore are strict, to the millisecond', () => {
    const at = { created_at: '2024-03-01T12:00:00.000Z' };
    expect(matches(at, { createdAfter: new Date('2024-03-01T11:59:59.999Z') })).toBe(true);
    expect(matches(at, { createdAfter: new Date('2024-03-01T12:00:00.000Z') })).toBe(false);
    expect(matches(at, { createdBefore: new Date('2024-03-01T12:00:00.001Z') })).toBe(true);
    expect(matches(at, { createdBefore: new Date('2024-03-01T12:00:00.000Z') })).toBe(false);
    expect(matches(at, { createdAfter: new Date('2024-03-01T11:00:00Z'), createdBefore: new Date('2024-03-01T13:00:00Z') })).toBe(true);
  });

  it('reads a time with an offset at its offset', () => {
    const at = { created_at: '2024-03-01T20:00:00+08:00' };
    expect(matches(at, { createdAfter: new Date('2024-03-01T11:59:59.999Z') })).toBe(true);
    expect(matches(at, { createdAfter: new Date('2024-03-01T12:00:00.000Z') })).toBe(false);
  });

  describe('zone-less times', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it('are read as UTC whatever process.env.TZ says', () => {
      for (const zone of ['UTC', 'Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
        process.env.TZ = zone;
        for (const created_at of ['2024-03-01T12:00:00', '2024-03-01T12:00:00.000', '2024-03-01T12:00']) {
          const label = `${zone} ${created_at}`;
          expect(matches({ created_at }, { createdAfter: new Date('2024-03-01T11:59:59.999Z') }), label).toBe(true);
          expect(matches({ created_at }, { createdAfter: new Date('2024-03-01T12:00:00.000Z') }), label).toBe(false);
          expect(matches({ created_at }, { createdBefore: new Date('2024-03-01T12:00:00.001Z') }), label).toBe(true);
          expect(matches({ created_at }, { createdBefore: new Date('2024-03-01T12:00:00.000Z') }), label).toBe(false);
        }
      }
    });
  });

  it('an unreadable or absent date matches no date filter, either way', () => {
    for (const created_at of ['not a date', '', '2024-13-45T99:00:00Z', undefined, null, 1_709_294_400_000]) {
      expect(matches({ created_at }, { createdAfter: new Date(0) }), String(created_at)).toBe(false);
      expect(matches({ created_at }, { createdBefore: new Date('9999-12-31T00:00:00Z') }), String(created_at)).toBe(false);
    }
  });

  it('fields combine with AND', () => {
    const ubuntuArm = { name: 'Ubuntu 22.04 arm', __platform: 'Ubuntu', __support_arm: 'true' };
    expect(matches(ubuntuArm, { nameContains: 'ubuntu', platform: 'Ubuntu', architecture: 'ARM', hasGpu: false })).toBe(true);
    expect(matches(ubuntuArm, { nameContains: 'ubuntu', platform: 'Ubuntu', architecture: 'X86' })).toBe(false);
    expect(matches(ubuntuArm, { nameContains: 'centos', platform: 'Ubuntu', architecture: 'ARM' })).toBe(false);
    expect(matches(ubuntuArm, { platform: 'Ubuntu', hasGpu: true })).toBe(false);
  });
});

describe('architectureOf and gpuTypesOf', () => {
  it('architectureOf reads `__support_arm` as a wire boolean', () => {
    expect([true, 'true', false, 'false', undefined, 'TRUE'].map((value) => architectureOf(image({ __support_arm: value })))).toEqual(['ARM', 'ARM', 'X86', 'X86', 'X86', 'X86']);
  });

  it('gpuTypesOf lists the KVM type, the XEN type and T4, each once, skipping empty and non-string types', () => {
    expect(gpuTypesOf(image({}))).toEqual([]);
    expect(gpuTypesOf(image({ __support_kvm_gpu_type: 'V100', __support_xen_gpu_type: 'M60', __support_gpu_t4: 'true' }))).toEqual(['V100', 'M60', 'T4']);
    expect(gpuTypesOf(image({ __support_kvm_gpu_type: 'V100', __support_xen_gpu_type: 'V100' }))).toEqual(['V100']);
    expect(gpuTypesOf(image({ __support_kvm_gpu_type: 'T4', __support_gpu_t4: true }))).toEqual(['T4']);
    expect(gpuTypesOf(image({ __support_kvm_gpu_type: '', __support_xen_gpu_type: 3, __support_gpu_t4: 'false' }))).toEqual([]);
  });
});

describe('countFacets', () => {
  /** Five images that differ in every facet (and in how their values are spelled). */
  const A = image({ id: 'A', name: 'Ubuntu 22.04 arm', __os_type: 'Linux', __platform: 'Ubuntu', __support_arm: 'true', __support_kvm_gpu_type: 'V100', status: 'active', disk_format: 'zvhd2', __imagetype: 'gold' });
  const B = image({ id: 'B', name: 'CentOS 7.9', __os_type: 'Linux', __platform: 'CentOS', __support_arm: 'false', status: 'active', disk_format: 'qcow2', __imagetype: 'private' });
  const C = image({ id: 'C', name: 'Windows 2019', __os_type: 'Windows', __platform: 'Windows', __support_xen_gpu_type: 'M60', __support_gpu_t4: 'true', status: 'queued', disk_format: 'zvhd2', __imagetype: 'gold' });
  const D = image({ id: 'D', name: 'Other arm', __os_type: undefined, __platform: '', __support_arm: true, __support_kvm_gpu_type: 'V100', __support_xen_gpu_type: 'V100', status: 'killed', disk_format: undefined, __imagetype: 'market' });
  const E = image({ id: 'E', name: 'Ubuntu 20.04', __os_type: 'Linux', __platform: 'Ubuntu', __support_gpu_t4: true, status: 'active', disk_format: '', __imagetype: 5 });
  const ALL = [A, B, C, D, E];

  type Counts = Record<Facet, Record<string, number>>;
  const plain = (counted: Record<Facet, Map<string, number>>): Counts => Object.fromEntries(FACETS.map((facet) => [facet, Object.fromEntries(counted[facet])])) as Counts;
  const count = (images: ImageInfo[], facetFilters: FacetFilters = {}, derived?: DerivedFilter): Counts => plain(countFacets(images, facetFilters, derived));

  it('counts each facet by its upstream value: absent os type and image type as "", no platform or disk format not at all, an image once per GPU type', () => {
    expect(FACETS).toEqual(['osType', 'platform', 'architecture', 'gpuType', 'status', 'diskFormat', 'imageType']);
    expect(count(ALL)).toEqual({
      osType: { Linux: 3, Windows: 1, '': 1 },
      platform: { Ubuntu: 2, CentOS: 1, Windows: 1 },
      architecture: { ARM: 2, X86: 3 },
      gpuType: { V100: 2, M60: 1, T4: 2 },
      status: { active: 3, queued: 1, killed: 1 },
      diskFormat: { zvhd2: 2, qcow2: 1 },
      imageType: { gold: 2, private: 1, market: 1, '': 1 },
    });
  });

  /** [label, facet filters, derived filter, the facet that ignores it, the images every other facet counts]. */
  const OWN_FILTERS: [string, FacetFilters, DerivedFilter | undefined, Facet | undefined, ImageInfo[]][] = [
    ['osType', { osType: 'Linux' }, undefined, 'osType', [A, B, E]],
    ['status', { status: 'active' }, undefined, 'status', [A, B, E]],
    ['imageType', { imageType: 'gold' }, undefined, 'imageType', [A, C]],
    ['platform', {}, { platform: 'Ubuntu' }, 'platform', [A, E]],
    ['architecture', {}, { architecture: 'ARM' }, 'architecture', [A, D]],
    ['hasGpu (gpuType)', {}, { hasGpu: false }, 'gpuType', [B]],
    ['nameContains (no facet of its own)', {}, { nameContains: 'ubuntu' }, undefined, [A, E]],
  ];

  it.each(OWN_FILTERS)('%s: the facet of that filter ignores it, every other facet applies it', (_label, facetFilters, derived, own, rest) => {
    const counted = count(ALL, facetFilters, derived);
    const unfiltered = count(ALL);
    const filtered = count(rest);
    for (const facet of FACETS) expect(counted[facet], facet).toEqual(facet === own ? unfiltered[facet] : filtered[facet]);
  });

  it('two filters: each facet applies the other', () => {
    const counted = count(ALL, { osType: 'Linux' }, { platform: 'Ubuntu', hasGpu: true });
    // osType: GPU images on Ubuntu (A, E); platform: Linux GPU images (A, E; not B); gpuType: Linux images on Ubuntu (A, E); status: all three (A, E).
    expect(counted.osType).toEqual({ Linux: 2 });
    expect(counted.platform).toEqual({ Ubuntu: 2 });
    expect(counted.gpuType).toEqual({ V100: 1, T4: 1 });
    expect(counted.status).toEqual({ active: 2 });
    const linuxGpu = count(ALL, { osType: 'Linux' }, { hasGpu: true });
    expect(linuxGpu.platform).toEqual({ Ubuntu: 2 });
    expect(linuxGpu.osType).toEqual({ Linux: 2, Windows: 1, '': 1 });
  });
});

describe('latestActive', () => {
  it('is the first ACTIVE image in the order given, or undefined', () => {
    const queued = image({ id: 'q', status: 'queued' });
    const first = image({ id: 'first' });
    const second = image({ id: 'second' });
    expect(latestActive([queued, first, second])).toBe(first);
    expect(latestActive([second, first])).toBe(second);
    expect(latestActive([queued, image({ id: 'upper', status: 'ACTIVE' })])).toBeUndefined();
    expect(latestActive([])).toBeUndefined();
  });
});
