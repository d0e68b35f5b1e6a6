/**
 * Staff passwords: scrypt from node:crypto (N=2^17, r=8, p=1), stored as a self-describing string
 * `scrypt$<logN>$<r>$<p>$<salt>$<key>`, so the cost can rise later and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const keyLength = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** 128 × N × r bytes of memory are needed; the default limit (32 MiB) is below that for N=2^17. */
const maxmem = (logN: number) => 256 * 2 ** logN * 8 + 1024 * 1024;

export async function hashPassword(password: string, cost: { logN: number } = { logN: 17 }): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: 2 ** cost.logN, r: 8, p: 1, maxmem: maxmem(cost.logN) });
  return ['scrypt', cost.logN, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = encoded.split('$');
  const n = Number(logN);
  if (scheme !== 'scrypt' || !Number.isInteger(n) || n < 1 || n > 20 || r !== '8' || p !== '1' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  if (expected.length !== keyLength) return false;
  try {
    const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: 2 ** n, r: 8, p: 1, maxmem: maxmem(n) });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** Why a password cannot be used, in Finnish, or undefined when it can. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < 12) return 'Salasanassa pitää olla vähintään 12 merkkiä.';
  if (length > 256) return 'Salasanassa saa olla enintään 256 merkkiä.';
  return undefined;
}

/** Why a username cannot be used, in Finnish, or undefined when it can. */
export function usernameProblem(username: string): string | undefined {
  return /^[a-z0-9._-]{3,64}$/.test(username)
    ? undefined
    : 'Käyttäjätunnuksessa pitää olla 3–64 merkkiä: pieniä kirjaimia a–z, numeroita, pisteitä, viivoja tai alaviivoja.';
}
