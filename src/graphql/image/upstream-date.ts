import { CloudImagesError, ErrorCode } from '../../upstream/errors.js';
import { wireDate } from '../../upstream/wire.js';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number): number => (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1]!);

/** The number written by the digits of `text` from `start` to `end`, or -1 when a character is no digit. */
function digits(text: string, start: number, end: number): number {
  let n = 0;
  for (let at = start; at < end; at++) {
    const d = text.charCodeAt(at) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * What the upstream sends nearly always, read without a Date (a page of 500 has 1500 dates):
 * `YYYY-MM-DDTHH:mm:ss` with `.sss` or not, and `Z` or no zone (UTC either way), every part in range.
 */
function plainUtc(value: string): string | null {
  const { length } = value;
  const millis = length === 23 || length === 24;
  if (length !== 19 && length !== 20 && !millis) return null;
  if (value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':') return null;
  if ((length === 20 || length === 24) && value[length - 1] !== 'Z') return null;
  if (millis && (value[19] !== '.' || digits(value, 20, 23) < 0)) return null;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  const hour = digits(value, 11, 13);
  const minute = digits(value, 14, 16);
  const second = digits(value, 17, 19);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return millis ? `${value.slice(0, 23)}Z` : `${value.slice(0, 19)}.000Z`;
}

/**
 * A wire date-time written as GraphQL's DateTime writes it (`Date.prototype.toISOString`: UTC,
 * milliseconds), or null when it is no date-time. The plain form is rewritten as a string, without
 * a Date; anything else (an offset, other fractions) goes through `Date`, which gives the same
 * answer for the plain form too (test/graphql/image-mapper.spec.ts holds the two to it).
 */
export function isoDateTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const plain = plainUtc(value);
  if (plain !== null) return plain;
  const date = wireDate(value);
  if (date === null || Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  // A year past 9999 (or before 0) is written `+010000-…`, which no DateTime client reads: unreadable too.
  return iso.length === 24 ? iso : null;
}

/**
 * A date-time field's value: the date-time, or the field's own error when the upstream sent
 * something unreadable (`raw` keeps it as sent). The error is returned, not thrown: both executors
 * report an Error value at the field's path with its code, where a throwing getter or scalar would
 * lose the code under graphql-jit.
 */
export function dateTimeField(value: unknown, wireKey: string): string | CloudImagesError {
  return isoDateTime(value) ?? new CloudImagesError(ErrorCode.UPSTREAM_ERROR, `The image service sent a \`${wireKey}\` that is not a valid date-time; \`raw\` has it as sent.`);
}
