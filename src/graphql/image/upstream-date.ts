import { CloudImagesError, ErrorCode } from '../../upstream/errors.js';

/** A date field's value, or its field's error when the upstream sent something unreadable (`raw` keeps it as sent). */
export function checkedDate(date: Date, wireKey: string): Date {
  if (Number.isNaN(date.getTime())) {
    throw new CloudImagesError(ErrorCode.UPSTREAM_ERROR, `The image service sent a \`${wireKey}\` that is not a valid date-time; \`raw\` has it as sent.`);
  }
  return date;
}
