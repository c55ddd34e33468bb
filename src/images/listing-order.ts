import type { ImageInfo, ListingQuery, WireSortDir, WireSortKey } from '../upstream/wire.js';

/**
 * The upstream's total order of a listing, for snapshots sorted here: the sort key's wire string,
 * ties broken by id, both in the sort direction (shared/reference: marker semantics).
 */
export function compareListed(key: WireSortKey, dir: WireSortDir): (a: ImageInfo, b: ImageInfo) => number {
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) => {
    const av = a[key];
    const bv = b[key];
    const x = typeof av === 'string' ? av : '';
    const y = typeof bv === 'string' ? bv : '';
    const byKey = x < y ? -1 : x > y ? 1 : 0;
    return sign * (byKey !== 0 ? byKey : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

/** Images in the order a listing asks for (the upstream's default, created_at desc, when it names none). */
export function inListingOrder(images: ImageInfo[], listing: ListingQuery): ImageInfo[] {
  return images.sort(compareListed(listing.sort_key ?? 'created_at', listing.sort_dir ?? 'desc'));
}
