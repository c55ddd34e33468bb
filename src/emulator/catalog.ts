import type { Tenant } from './options.js';
import type { ImageInfo, WireBoolean } from '../upstream/wire.js';
import { Random } from './random.js';

/**
 * The emulator's data set: deterministic for a seed and a tenant list, built from the value lists of
 * shared/reference/ListCloudImages.md. Public (`gold`) and market images belong to Huawei's own
 * projects and are visible to every tenant; private images belong to one tenant each.
 */

export const EMULATOR_REGIONS = [
  'cn-north-4',
  'cn-east-3',
  'ap-southeast-1',
  'ap-southeast-3',
  'la-north-2',
  'tr-west-1',
  'eu-west-101',
] as const;

/** Public images per region; cn-north-4 alone fills more than one page of 500. */
const PUBLIC_IMAGES_PER_REGION: Record<(typeof EMULATOR_REGIONS)[number], number> = {
  'cn-north-4': 540,
  'cn-east-3': 380,
  'ap-southeast-1': 320,
  'ap-southeast-3': 260,
  'la-north-2': 200,
  'tr-west-1': 180,
  'eu-west-101': 220,
};

/** Owner of Huawei Cloud's public images. */
export const PUBLIC_IMAGE_OWNER = 'c5f6d4b3a2e14f0e9d8c7b6a5f4e3d2c';
/** Owner of KooGallery (market) images. */
export const MARKET_IMAGE_OWNER = '7e1d2c3b4a5f46e7a8b9c0d1e2f3a4b5';

interface OsFamily {
  platform: string;
  osType: 'Linux' | 'Windows' | 'Other';
  versions: readonly string[];
  weight: number;
}

const OS_FAMILIES: readonly OsFamily[] = [
  { platform: 'CentOS', osType: 'Linux', weight: 9, versions: ['CentOS 6.10 64bit', 'CentOS 7.4 64bit', 'CentOS 7.6 64bit', 'CentOS 7.9 64bit', 'CentOS 8.2 64bit', 'CentOS Stream 9 64bit'] },
  { platform: 'Ubuntu', osType: 'Linux', weight: 10, versions: ['Ubuntu 18.04 server 64bit', 'Ubuntu 20.04 server 64bit', 'Ubuntu 22.04 server 64bit', 'Ubuntu 24.04 server 64bit'] },
  { platform: 'Debian', osType: 'Linux', weight: 5, versions: ['Debian GNU/Linux 10.10.0 64bit', 'Debian GNU/Linux 11.1.0 64bit', 'Debian GNU/Linux 12.0.0 64bit'] },
  { platform: 'EulerOS', osType: 'Linux', weight: 5, versions: ['EulerOS 2.5 64bit', 'EulerOS 2.9 64bit', 'EulerOS 2.10 64bit'] },
  { platform: 'Huawei Cloud EulerOS', osType: 'Linux', weight: 6, versions: ['Huawei Cloud EulerOS 1.1 64bit', 'Huawei Cloud EulerOS 2.0 64bit'] },
  { platform: 'Other', osType: 'Linux', weight: 5, versions: ['openEuler 20.03 64bit', 'openEuler 22.03 64bit', 'Rocky Linux 8.6 64bit', 'AlmaLinux 9.0 64bit', 'Kylin V10 SP2 64bit', 'UnionTech OS Server 20 64bit'] },
  { platform: 'RedHat', osType: 'Linux', weight: 3, versions: ['Red Hat Enterprise Linux 7.9 64bit', 'Red Hat Enterprise Linux 8.4 64bit', 'Red Hat Enterprise Linux 9.0 64bit'] },
  { platform: 'SUSE', osType: 'Linux', weight: 3, versions: ['SUSE Linux Enterprise Server 12 SP5 64bit', 'SUSE Linux Enterprise Server 15 SP4 64bit', 'SUSE Linux Enterprise Server for SAP 15 SP3 64bit'] },
  { platform: 'OpenSUSE', osType: 'Linux', weight: 2, versions: ['OpenSUSE 15.2 64bit', 'OpenSUSE 15.4 64bit'] },
  { platform: 'Oracle Linux', osType: 'Linux', weight: 2, versions: ['Oracle Linux 7.9 64bit', 'Oracle Linux 8.4 64bit'] },
  { platform: 'Fedora', osType: 'Linux', weight: 2, versions: ['Fedora 36 64bit', 'Fedora 38 64bit'] },
  { platform: 'CoreOS', osType: 'Linux', weight: 1, versions: ['Fedora CoreOS 37 64bit', 'CoreOS 2303.3.0 64bit'] },
  {
    platform: 'Windows',
    osType: 'Windows',
    weight: 8,
    versions: [
      'Windows Server 2012 R2 Standard 64bit English',
      'Windows Server 2016 Datacenter 64bit English',
      'Windows Server 2016 Standard 64bit Chinese',
      'Windows Server 2019 Datacenter 64bit English',
      'Windows Server 2019 Datacenter 64bit Chinese',
      'Windows Server 2022 Datacenter 64bit English',
      'Windows Server 2008 R2 Enterprise 32bit English',
    ],
  },
  { platform: 'Other', osType: 'Other', weight: 1, versions: ['FreeBSD 13.1 64bit', 'Other Linux 64bit'] },
];

type Variant = 'plain' | 'arm' | 'gpu-v100' | 'gpu-rtx' | 'gpu-m60' | 'hana' | 'infiniband' | 'bms' | 'xen' | 'largememory' | 'diskintensive';

const VARIANTS: readonly (readonly [Variant, number])[] = [
  ['plain', 40],
  ['arm', 12],
  ['xen', 6],
  ['gpu-v100', 5],
  ['gpu-rtx', 3],
  ['gpu-m60', 2],
  ['hana', 2],
  ['infiniband', 3],
  ['bms', 5],
  ['largememory', 3],
  ['diskintensive', 3],
];

const VARIANT_SUFFIX: Record<Variant, string> = {
  plain: '',
  arm: ' for ARM',
  xen: ' for XEN',
  'gpu-v100': ' with Tesla Driver 470.82.01 and CUDA 11.4 for V100',
  'gpu-rtx': ' with GRID Driver for RTX5000',
  'gpu-m60': ' with GRID Driver for M60',
  hana: ' for SAP HANA',
  infiniband: ' for InfiniBand',
  bms: ' for BMS',
  largememory: ' for Large Memory',
  diskintensive: ' for Disk Intensive',
};

const PRIVATE_NAMES = [
  'web-server-prod',
  'web-server-staging',
  'api-gateway-base',
  'jenkins-agent',
  'gitlab-runner',
  'mysql-8-base',
  'postgres-15-primary',
  'redis-cache-node',
  'k8s-node-1.29',
  'k8s-node-1.30',
  'nginx-edge-cache',
  'elk-collector',
  'kafka-broker',
  'spark-worker',
  'ml-training-cuda',
  'golden-image',
  'bastion-host',
  'ci build agent',
  'legacy_erp_app',
  'win-iis-frontend',
  'win-sqlserver-2019',
  '测试镜像',
  '生产环境基础镜像',
  'data-disk-backup',
  'oracle-db-19c',
  'sap-hana-node',
];

const TAG_KEYS = ['env', 'team', 'app', 'cost-center', 'owner'];
const TAG_VALUES: Record<string, readonly string[]> = {
  env: ['prod', 'staging', 'dev', 'test'],
  team: ['web', 'data', 'platform', 'ml', 'sre'],
  app: ['shop', 'crm', 'billing', 'search'],
  'cost-center': ['cc-1001', 'cc-2040', 'cc-3300'],
  owner: ['ops', 'alice', 'bob', 'devops'],
};

const GiB = 1024 ** 3;

export type Catalog = ReadonlyMap<string, readonly ImageInfo[]>;

export function buildCatalog(seed: number, tenants: readonly Tenant[]): Catalog {
  const catalog = new Map<string, ImageInfo[]>();
  EMULATOR_REGIONS.forEach((region, regionIndex) => {
    const random = new Random((seed ^ Math.imul(regionIndex + 1, 0x9e3779b1)) >>> 0);
    const images: ImageInfo[] = [];
    for (let i = 0; i < PUBLIC_IMAGES_PER_REGION[region]; i++) {
      images.push(publicImage(random, i));
    }
    const parents = images.filter((img) => img.status === 'active' && img.__imagetype === 'gold');
    const projectIds = [...new Set(tenants.map((t) => t.projectId))];
    for (const projectId of projectIds) {
      const count = random.int(60, 140);
      const ownImages: ImageInfo[] = [];
      for (let i = 0; i < count; i++) {
        ownImages.push(privateImage(random, projectId, parents, ownImages));
      }
      retireSomeParents(ownImages, new Random((seed ^ Math.imul(regionIndex + 1, 0x85ebca6b) ^ projectId.length) >>> 0));
      images.push(...ownImages);
    }
    catalog.set(region, images);
  });
  return catalog;
}

/**
 * Some parents no longer exist (a retired public image, a deleted private one): their children
 * keep naming them in `__originalimagename`, as real images do. A separate random source keeps
 * the rest of the data set unchanged.
 */
function retireSomeParents(images: ImageInfo[], random: Random): void {
  for (const image of images) {
    if (image.__originalimagename && random.chance(0.08)) image.__originalimagename = random.uuid();
  }
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function createdAndUpdated(random: Random, fromYear: number): { created_at: string; updated_at: string; createdMs: number } {
  const from = Date.UTC(fromYear, 0, 1);
  const to = Date.UTC(2026, 9, 31);
  const createdMs = from + Math.floor(random.next() * (to - from) / 1000) * 1000;
  const updatedMs = createdMs + random.int(0, 3) * 60_000 * random.int(1, 600) + random.int(0, 59) * 1000;
  return { created_at: timestamp(createdMs), updated_at: timestamp(Math.min(updatedMs, to)), createdMs };
}

function sizeBytes(random: Random, minGiB: number, maxGiB: number): string {
  const bytes = Math.floor((minGiB + random.next() * (maxGiB - minGiB)) * GiB / 512) * 512;
  return String(bytes);
}

function applyVariant(image: ImageInfo, variant: Variant, random: Random): void {
  switch (variant) {
    case 'plain':
    case 'largememory':
    case 'diskintensive':
    case 'infiniband':
    case 'arm':
      image.__support_kvm = 'true';
      break;
    case 'xen':
      image.__support_xen = 'true';
      break;
    case 'gpu-v100':
      image.__support_kvm_gpu_type = 'V100_vGPU';
      break;
    case 'gpu-rtx':
      image.__support_kvm_gpu_type = 'RTX5000';
      break;
    case 'gpu-m60':
      image.__support_xen_gpu_type = 'M60_vGPU';
      break;
    case 'hana':
      image.__support_xen_hana = 'true';
      break;
    case 'bms':
      image.virtual_env_type = 'Ironic';
      image.__support_kvm = 'true';
      break;
  }
  if (variant === 'largememory') image.__support_largememory = 'true';
  if (variant === 'diskintensive') image.__support_diskintensive = 'true';
  if (variant === 'infiniband') image.__support_kvm_infiniband = 'true';
  if (variant === 'hana' || variant === 'largememory') image.__support_highperformance = 'true';
  if (variant === 'plain' && random.chance(0.15)) image.__support_highperformance = 'true';
  if (variant === 'gpu-v100' && random.chance(0.5)) image.__support_gpu_t4 = 'true';
}

function publicImage(random: Random, index: number): ImageInfo {
  const family = random.weighted(OS_FAMILIES.map((f) => [f, f.weight] as const));
  const osVersion = random.pick(family.versions);
  const variant = family.osType === 'Windows' ? random.pick<Variant>(['plain', 'plain', 'plain', 'xen', 'gpu-m60', 'bms']) : random.weighted(VARIANTS);
  const market = index % 17 === 5;
  const arm = variant === 'arm';
  const id = random.uuid();
  const { created_at, updated_at } = createdAndUpdated(random, 2017);
  const status = random.weighted<string>([
    ['active', 92],
    ['deleted', 4],
    ['queued', 1],
    ['saving', 2],
    ['killed', 1],
  ]);
  const bit = osVersion.includes('32bit') ? '32' : '64';
  const uefi = arm || (random.chance(0.2) && family.osType !== 'Other');
  const diskFormat = random.weighted<string>([
    ['zvhd2', 60],
    ['zvhd', 25],
    ['vhd', 6],
    ['qcow2', 4],
    ['raw', 5],
  ]);
  const name = market
    ? `${osVersion} ${random.pick(['LAMP', 'WordPress', 'Docker CE', 'Node.js 20', 'Java 17 Tomcat', 'Nginx 1.24', 'GitLab CE'])} by KooGallery`
    : `${osVersion}${VARIANT_SUFFIX[variant]}`;
  const minDisk = family.osType === 'Windows' ? random.pick([40, 50, 60]) : random.pick([40, 40, 40, 50, 100]);
  const image: ImageInfo = {
    id,
    name,
    status,
    visibility: 'public',
    __imagetype: market ? 'market' : 'gold',
    __isregistered: random.chance(0.1) ? true : 'true',
    __os_type: family.osType,
    __os_version: osVersion,
    __os_bit: bit,
    __platform: family.platform,
    __image_size: sizeBytes(random, family.osType === 'Windows' ? 9 : 1.2, family.osType === 'Windows' ? 28 : 12),
    __image_source_type: 'uds',
    __description: random.chance(0.7) ? `${osVersion} public image, maintained by Huawei Cloud. Security patches up to ${updated_at.slice(0, 7)}.` : '',
    __data_origin: '',
    __originalimagename: '',
    __support_arm: arm ? 'true' : 'false',
    checksum: 'd41d8cd98f00b204e9800998ecf8427e',
    container_format: 'bare',
    disk_format: diskFormat,
    created_at,
    updated_at,
    file: `/v2/images/${id}/file`,
    min_disk: minDisk,
    min_ram: family.osType === 'Windows' ? 2048 : random.pick([0, 0, 1024]),
    owner: market ? MARKET_IMAGE_OWNER : PUBLIC_IMAGE_OWNER,
    protected: true,
    schema: '/v2/schemas/image',
    self: `/v2/images/${id}`,
    size: 2,
    tags: [],
    virtual_env_type: 'FusionCompute',
    hw_firmware_type: uefi ? 'uefi' : 'bios',
    hw_vif_multiqueue_enabled: random.chance(0.6) ? 'true' : 'false',
    deleted: status === 'deleted',
    deleted_at: status === 'deleted' ? updated_at : '',
  };
  if (!arm && random.chance(0.3)) image.__support_amd = random.chance(0.5) ? 'true' : 'false';
  if (market) image.__productcode = `00301-${random.int(100000, 999999)}-0--0`;
  if (random.chance(0.5)) image.virtual_size = null;
  if (random.chance(0.25)) image.max_ram = random.pick(['524288', '1048576', '262144']);
  if (random.chance(0.3)) image.__lazyloading = random.chance(0.5) ? 'true' : 'false';
  if (random.chance(0.1)) image.__sequence_num = '0';
  applyVariant(image, variant, random);
  return image;
}

function privateImage(random: Random, projectId: string, publicParents: readonly ImageInfo[], siblings: readonly ImageInfo[]): ImageInfo {
  const origin = random.weighted<'instance' | 'file' | 'backup' | 'data' | 'iso' | 'copy'>([
    ['instance', 55],
    ['file', 12],
    ['backup', 10],
    ['data', 10],
    ['iso', 5],
    ['copy', 8],
  ]);
  const base =
    origin === 'copy' && siblings.length > 0
      ? random.pick(siblings)
      : random.pick(publicParents);
  const id = random.uuid();
  const { created_at, updated_at } = createdAndUpdated(random, 2020);
  const status = random.weighted<string>([
    ['active', 80],
    ['queued', 5],
    ['saving', 6],
    ['killed', 4],
    ['deleted', 5],
  ]);
  const stem = random.pick(PRIVATE_NAMES);
  const name = random.chance(0.6) ? `${stem}-${created_at.slice(0, 10).replace(/-/g, '')}` : random.chance(0.5) ? `${stem}-v${random.int(1, 12)}` : stem;
  const registered: WireBoolean = status === 'queued' || status === 'killed' ? 'false' : random.chance(0.15) ? true : random.chance(0.05) ? false : 'true';
  const isData = origin === 'data';
  const isIso = origin === 'iso';
  const fromParent = origin === 'instance' || origin === 'copy';
  const tags = Array.from({ length: random.int(0, 3) }, () => {
    const key = random.pick(TAG_KEYS);
    return `${key}=${random.pick(TAG_VALUES[key]!)}`;
  });
  const image: ImageInfo = {
    id,
    name,
    status,
    visibility: 'private',
    __imagetype: 'private',
    __isregistered: registered,
    __os_type: isData ? 'Other' : base.__os_type,
    __os_bit: base.__os_bit ?? '64',
    __platform: isData ? 'Other' : base.__platform ?? 'Other',
    __image_size: isData ? sizeBytes(random, 20, 900) : sizeBytes(random, 2, 60),
    __image_source_type: 'uds',
    __description: random.chance(0.5) ? random.pick(['Built by the release pipeline', 'Hardened base image', 'Do not delete: used by autoscaling group', 'Snapshot before upgrade', '']) : '',
    __data_origin: fromParent ? `instance,${random.uuid()}` : origin === 'file' || isIso ? `file,obs://images-${projectId.slice(0, 6)}/${stem}.${isIso ? 'iso' : 'qcow2'}` : origin === 'backup' ? `server_backup,${random.uuid()}` : `volume,${random.uuid()}`,
    __originalimagename: fromParent ? base.id : '',
    __support_arm: base.__support_arm ?? 'false',
    checksum: random.hex(32),
    container_format: 'bare',
    disk_format: isIso ? 'iso' : origin === 'file' && random.chance(0.08) ? 'vmdk' : random.pick(['zvhd2', 'zvhd2', 'zvhd2', 'zvhd', 'qcow2', 'raw']),
    created_at,
    updated_at,
    enterprise_project_id: random.weighted([
      ['0', 5],
      [random.uuid(), 3],
    ]),
    file: `/v2/images/${id}/file`,
    min_disk: isData ? random.pick([100, 200, 500, 1024]) : Math.max(base.min_disk, random.pick([40, 40, 60, 80, 100])),
    min_ram: random.pick([0, 0, 1024, 2048, 4096]),
    owner: projectId,
    protected: random.chance(0.1),
    schema: '/v2/schemas/image',
    self: `/v2/images/${id}`,
    size: 0,
    tags,
    virtual_env_type: isData ? 'DataImage' : isIso ? 'IsoImage' : base.virtual_env_type,
    deleted: status === 'deleted',
    deleted_at: status === 'deleted' ? updated_at : '',
  };
  if (!isData) {
    image.__os_version = base.__os_version ?? 'Other Linux 64bit';
    image.hw_firmware_type = base.hw_firmware_type ?? 'bios';
    for (const flag of ['__support_kvm', '__support_xen', '__support_kvm_gpu_type', '__support_xen_gpu_type', '__support_xen_hana', '__support_kvm_infiniband', '__support_largememory', '__support_diskintensive', '__support_highperformance', '__support_amd'] as const) {
      if (base[flag] !== undefined) (image as Record<string, unknown>)[flag] = base[flag];
    }
  }
  if (origin === 'backup') image.__backup_id = random.uuid();
  if (origin === 'file' || isIso) image.__root_origin = 'file';
  if (fromParent) image.data_source = `instance:${random.uuid()}`;
  if (random.chance(0.4)) image.hw_vif_multiqueue_enabled = random.chance(0.5) ? 'true' : 'false';
  if (random.chance(0.2)) image.__lazyloading = 'true';
  return image;
}
