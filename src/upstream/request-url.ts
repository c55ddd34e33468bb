import { CloudImagesError, ErrorCode } from './errors.js';
import { isValidRegion, LIST_QUERY_PARAMS, REGION_MAX_LENGTH, type ListImagesQuery } from './wire.js';

/**
 * `{endpoint}/v1/cloudimages/{region}?{query}`. The region is checked against the pattern and
 * encoded as one path segment, so no client input can change the path or the host.
 */
export function buildListUrl(endpoint: string, region: string, query: ListImagesQuery): URL {
  if (!isValidRegion(region)) {
    throw new CloudImagesError(
      ErrorCode.BAD_USER_INPUT,
      `Invalid region ${JSON.stringify(region.slice(0, REGION_MAX_LENGTH))}${region.length > REGION_MAX_LENGTH ? '…' : ''}: expected an id like "cn-north-4" (lower-case letters, digits and hyphens, at most ${REGION_MAX_LENGTH} characters)`,
    );
  }
  const base = new URL(endpoint);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/v1/cloudimages/${encodeURIComponent(region)}`, base);
  for (const param of LIST_QUERY_PARAMS) {
    const value = query[param];
    if (value !== undefined) url.searchParams.set(param, String(value));
  }
  if (url.origin !== base.origin) throw new Error('request URL escaped the configured endpoint');
  return url;
}
