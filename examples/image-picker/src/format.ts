import type { PickerImageFragment } from './gql/graphql.js';

/** How an image's fields read in a row or a card. */

const GIB = 1024 ** 3;

/** `ByteSize` is a decimal string of bytes (exact at any size); a GiB figure is all a picker needs. */
export function formatSize(imageSize: string | null): string | undefined {
  if (imageSize === null) return undefined;
  const gib = Number(BigInt(imageSize)) / GIB;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.max(1, Math.round(gib * 1024))} MiB`;
}

/** The day an image was made, as the API's RFC 3339 UTC date says it. */
export function formatDate(dateTime: string): string {
  return dateTime.slice(0, 10);
}

export function gpuOf({ support }: PickerImageFragment): string | undefined {
  return support.kvmGpuType ?? support.xenGpuType ?? (support.gpuT4 ? 'T4' : undefined);
}

/** One line of what sets images apart: platform and version, architecture, GPU, size, disk, date. */
export function describeImage(image: PickerImageFragment): string {
  const gpu = gpuOf(image);
  return [
    image.os.version ?? image.os.platform,
    image.support.arm ? 'Arm' : 'x86',
    gpu && `GPU ${gpu}`,
    formatSize(image.imageSize),
    `disk ≥ ${image.minDisk} GB`,
    formatDate(image.createdAt),
  ]
    .filter(Boolean)
    .join(' · ');
}

export const OS_LABELS: Record<string, string> = { LINUX: 'Linux', WINDOWS: 'Windows', OTHER: 'Other' };
export const ARCHITECTURE_LABELS: Record<string, string> = { X86: 'x86', ARM: 'Arm' };
