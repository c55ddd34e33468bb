import { BOOLEAN_KEYS, DOCUMENTED_KEYS, OTHER_KEYS, TRUE_OR_ABSENT_KEYS } from '../documented.js';
import { fact, unknown, type Fact } from '../facts.js';
import { refusalFact } from './answers.js';
import type { Probe } from './probe.js';
import { sample, valuesOf } from './sample.js';

/** How values travel: booleans as JSON booleans or strings (a false flag sent or left out), the JSON types and formats of the other keys. */

function isBooleanish(value: unknown): boolean {
  return typeof value === 'boolean' || value === 'true' || value === 'false';
}

function booleanEncoding(values: readonly unknown[]): { value: string; detail?: string } {
  const others = values.filter((v) => !isBooleanish(v));
  if (others.length > 0) return { value: 'other values too', detail: [...new Set(others.map((v) => JSON.stringify(v)))].slice(0, 5).join(', ') };
  const json = values.some((v) => typeof v === 'boolean');
  const strings = values.some((v) => typeof v === 'string');
  return { value: json && strings ? 'JSON booleans and strings' : json ? 'JSON booleans' : 'strings' };
}

export const booleanEncodings: Probe = {
  id: 'boolean encodings',
  checks: 'each documented boolean key, and any other key carrying booleans: JSON booleans or "true"/"false" strings; how a false "true-or-absent" flag travels',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('sample', images)];
    const seen = new Set(images.flatMap((image) => Object.keys(image)));
    const undocumentedBooleans = [...seen].filter((key) => !DOCUMENTED_KEYS.has(key) && valuesOf(images, key).every(isBooleanish)).sort();
    const facts: Fact[] = [];
    for (const key of [...BOOLEAN_KEYS, ...undocumentedBooleans]) {
      const values = valuesOf(images, key);
      if (values.length === 0) {
        facts.push(unknown(key, `never sent in ${images.length} images`));
        continue;
      }
      const { value, detail } = booleanEncoding(values);
      facts.push(fact(key, value, detail));
    }
    for (const key of TRUE_OR_ABSENT_KEYS) {
      const falses = valuesOf(images, key).filter((v) => v === false || v === 'false');
      const name = `${key} when false`;
      if (falses.length > 0) {
        const forms = [...new Set(falses.map((v) => JSON.stringify(v)))].sort();
        facts.push(fact(name, `sent as ${forms.join(' or ')}`));
      } else if (images.some((image) => !Object.hasOwn(image, key))) {
        facts.push(fact(name, 'absent'));
      } else {
        facts.push(unknown(name, `every one of ${images.length} images has it true`));
      }
    }
    return facts;
  },
};

const UTC_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DECIMAL = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function typeOf(key: string, value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? 'array of strings' : 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value !== 'string') return typeof value;
  if (key === 'created_at' || key === 'updated_at') return UTC_SECONDS.test(value) ? 'string (UTC, YYYY-MM-DDThh:mm:ssZ)' : 'string (another date format)';
  if (key === '__image_size') return DECIMAL.test(value) ? 'string (decimal)' : 'string (not decimal)';
  if (key === 'id') return UUID.test(value) ? 'string (UUID)' : 'string (not a UUID)';
  return 'string';
}

export const valueTypes: Probe = {
  id: 'value types',
  checks: 'each other documented key: the JSON types sent (and the format of ids, dates and sizes)',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('sample', images)];
    return OTHER_KEYS.map((key) => {
      const values = valuesOf(images, key);
      if (values.length === 0) return unknown(key, `never sent in ${images.length} images`);
      return fact(key, [...new Set(values.map((v) => typeOf(key, v)))].sort().join(' or '));
    });
  },
};
