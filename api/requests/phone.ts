/**
 * The server's reading of a phone number (schema.ts's PhoneReader): libphonenumber-js with its full numbering
 * plans ("max" metadata), which tell a real number from a plausible string of digits. A number without a
 * country code is taken as Finnish. Server only: the plans are far larger than the form script may be.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PhoneReader } from './schema.ts';

export const readPhone: PhoneReader = (typed) => {
  const number = parsePhoneNumberFromString(typed, 'FI');
  return number?.isValid() ? number.number : undefined;
};
