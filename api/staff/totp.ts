/**
 * The second factor of staff log-in: TOTP (RFC 6238, as every authenticator app reads it: SHA1, 6 digits,
 * 30 s) with the `otpauth` package, its QR code with `qrcode`, and one-time recovery codes for a lost phone.
 * The TOTP secret must be kept as is (staff.json, 0600); recovery codes are kept as hashes only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const issuer = 'Opinaika tietosuoja';
const period = 30;
const digits = 6;

/** A new TOTP secret: 20 random bytes (the HMAC-SHA1 key size RFC 4226 recommends), in base32. */
export function newSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(username: string, secret: string): TOTP {
  return new TOTP({ issuer, label: username, algorithm: 'SHA1', digits, period, secret: Secret.fromBase32(secret) });
}

/** The `otpauth://totp/…` URI an authenticator app reads from the QR code. */
export function totpUri(username: string, secret: string): string {
  return totp(username, secret).toString();
}

/**
 * The QR code of `text` as an inline SVG, without an XML prolog, named for screen readers by `label`. Dark
 * modules on its own white square with the 4-module quiet zone scanners need, so it reads in dark mode too.
 * It has no width: the page sizes it.
 */
export async function qrSvg(text: string, label = 'QR-koodi'): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 4, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } });
  return svg.trim().replace(/^<svg /, `<svg role="img" aria-label="${escapeAttribute(label)}" `);
}

/** The QR code of `text` for a terminal, two modules a character, black on white whatever the terminal's colours. */
export function qrTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}

/**
 * The time step (30 s since the epoch) that `code` belongs to, when it is the code of `now`'s step or of the
 * one before or after (a phone's clock a little off, or a code typed as it changed); otherwise undefined.
 * Spaces are ignored ("123 456"); anything else but six digits is refused before any HMAC is computed.
 */
export function matchCode(secret: string, code: string, now: Date): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const timestamp = now.getTime();
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits, period, timestamp, window: 1 });
  return delta === null ? undefined : TOTP.counter({ period, timestamp }) + delta;
}

const base32 = 'abcdefghijklmnopqrstuvwxyz234567';
const recoveryCodeCount = 10;

/** Ten recovery codes of 80 random bits each, as four groups of four base32 letters: `k7d2-mx4q-…`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () => {
    const letters = toBase32(randomBytes(10));
    return [0, 4, 8, 12].map((at) => letters.slice(at, at + 4)).join('-');
  });
}

/** 10 bytes are exactly 16 base32 letters (80 = 16 × 5 bits), so no padding. */
function toBase32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** A code as typed, in the form it is hashed: lower case, without spaces and dashes. */
function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** The stored form of a recovery code: SHA-256, base64url. 80 random bits need no slow hash to withstand guessing. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalise(code)).digest('base64url');
}

/** Whether `code` could be a recovery code (16 base32 letters, however grouped), to tell it from a TOTP code. */
export function isRecoveryCodeShape(code: string): boolean {
  return code.length <= 64 && /^[a-z2-7]{16}$/.test(normalise(code));
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
