import { canonicalQuery } from './aksk-signer.js';
import { CloudImagesError, ErrorCode } from './errors.js';
import { isValidRegion, LIST_QUERY_PARAMS, REGION_MAX_LENGTH, type ListImagesQuery } from './wire.js';

/**
 * `{endpoint}/v1/cloudimages/{region}?{query}`. The region is checked against the pattern and
 * encoded as one path segment, so no client input can change the path or the host. The query is
 * written in the AK/SK signer's canonical form (sorted, `%20` for a space, `%2B` for `+`), so the
 * query sent is the very string a signature covers.
 */
export function buildListUrl(endpoint: string, region: string, query: ListImagesQuery): URL {
  return listUrlBuilder(endpoint)(region, query);
}

/** `buildListUrl` for one endpoint, parsed once (a client builds a URL for every call it makes). */
export function listUrlBuilder(endpoint: string): (region: string, query: ListImagesQuery) => URL {
  const base = new URL(endpoint);
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, '')}/v1/cloudimages/`;
  return (region, query) => {
    if (!isValidRegion(region)) {
      throw new CloudImagesError(
        ErrorCode.BAD_USER_INPUT,
        `Invalid region ${JSON.stringify(region.slice(0, REGION_MAX_LENGTH))}${region.length > REGION_MAX_LENGTH ? '…' : ''}: expected an id like "cn-north-4" (lower-case letters, digits and hyphens, at most ${REGION_MAX_LENGTH} characters)`,
      );
    }
    const params: [string, string][] = [];
    for (const param of LIST_QUERY_PARAMS) {
      const value = query[param];
      if (value !== undefined) params.push([param, toWellFormed(String(value))]);
    }
    const search = canonicalQuery(params);
    const url = new URL(`${prefix}${encodeURIComponent(region)}${search === '' ? '' : `?${search}`}`);
    if (url.origin !== base.origin) throw new Error('request URL escaped the configured endpoint');
    return url;
  };
}

/** Lone surrogates as U+FFFD, as `URLSearchParams` would store them (they have no UTF-8 encoding). */
function toWellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
