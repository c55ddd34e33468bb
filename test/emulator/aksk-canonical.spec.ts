import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import fc from 'fast-check';
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { canonicalQueryString, canonicalUri } from '../../src/emulator/aksk.js';

/**
 * The canonical query and URI the emulator verifies signatures over, held to those Huawei's own SDK
 * signer builds; signed requests over HTTP are in aksk.spec.ts.
 */

/** The SDK signer's protected helpers, reached for the oracle. */
interface SdkInternals {
  CanonicalQueryString(request: { queryParams?: Record<string, unknown> }): string;
  CanonicalURI(pathname: string): string;
}
const sdk = AKSKSigner as unknown as SdkInternals;

describe('the canonical query: as the SDK signs it, however the client spells it on the wire', () => {
  it('the emulator canonicalises any query exactly as the SDK signs it (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 })), { maxKeys: 5 }), (params) => {
        const oracle = sdk.CanonicalQueryString({ queryParams: structuredClone(params) });
        expect(canonicalQueryString(stringify(params))).toBe(oracle);
        const form = new URLSearchParams();
        for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) form.append(key, v);
        expect(canonicalQueryString(form.toString())).toBe(oracle);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the canonical URI', () => {
  it("is the SDK's for every plain path, with a / at the end", () => {
    for (const path of ['/v1/cloudimages/cn-north-4', '/v1/cloudimages/', '/v1/cloudimages/eu-west-101', '/v1/cloudimages/华北']) {
      expect(canonicalUri(encodeURI(path))).toBe(sdk.CanonicalURI(path));
    }
  });
});
