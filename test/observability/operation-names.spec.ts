import { describe, expect, it } from 'vitest';
import { OperationNames } from '../../src/observability/metrics.js';

/** The operation_name label alone: bounded, whatever names clients send (over HTTP: metrics.spec.ts). */

describe('label cardinality', () => {
  it('operation names past the cap fold into other; anonymous and malformed names take no place', () => {
    const names = new OperationNames(2);
    expect([names.label(null), names.label(undefined), names.label('')]).toEqual(['anonymous', 'anonymous', 'anonymous']);
    expect(names.label('A')).toBe('A');
    expect(names.label('x'.repeat(101))).toBe('other');
    expect(names.label('not a name')).toBe('other');
    expect(names.label('B')).toBe('B');
    expect(names.label('C')).toBe('other');
    expect(names.label('A')).toBe('A');
  });
});
