/**
 * Staff passwords: scrypt from node:crypto (N=2^17, r=8, p=1), stored as a self-describing string
 * `scrypt$<logN>$<r>$<p>$<salt>$<key>`, so the cost can rise later and old hashes still verify. A new password
 * is 12 to 256 characters (code points, never truncated) and must withstand guessing as zxcvbn-ts scores it
 * against common passwords and Finnish words and names.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ZxcvbnFactory, type FeedbackType } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as common } from '@zxcvbn-ts/language-common';
import { dictionary as finnish, translations } from '@zxcvbn-ts/language-fi';

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

const minPasswordLength = 12;
export const maxPasswordLength = 256;

/** Whether the password has more than 256 code points; the log-in refuses such a password before hashing it. */
export function isTooLong(password: string): boolean {
  // A code point is one or two UTF-16 units: only lengths between 257 and 512 units need counting.
  if (password.length <= maxPasswordLength) return false;
  return password.length > 2 * maxPasswordLength || [...password].length > maxPasswordLength;
}

/**
 * zxcvbn's score of 4 ("very unguessable", 10^10 guesses or more): at 3, two common Finnish words and a year
 * ("kissakoira2024") would pass, which a list-driven attack on a stolen staff.json tries early.
 */
const minScore = 4;

let checker: ZxcvbnFactory | undefined;

/** zxcvbn with the common and Finnish dictionaries and Finnish feedback, set up at its first use (~0.1 s). */
function strength(): ZxcvbnFactory {
  checker ??= new ZxcvbnFactory({
    dictionary: { ...common, ...finnish },
    graphs: adjacencyGraphs,
    translations,
    // Only the first 100 UTF-16 units are scored: zxcvbn's time grows steeply with length (near a second for
    // 256 characters of a short repeat), and 100 characters that are weak make the whole password refused.
    maxLength: 100,
    // The default 100 takes four times as long on such input and scored no password differently in our trials.
    l33tMaxSubstitutions: 20,
  });
  return checker;
}

const serviceWords = ['opinaika', 'alfasoft', 'tietosuoja', 'henkilosto', 'henkilöstö'];

/**
 * Why a password cannot be used, in Finnish, or undefined when it can. `userInputs` are words about the person,
 * the username first: a password containing one is refused, and zxcvbn counts them as easily guessed.
 */
export function passwordProblem(password: string, userInputs: string[] = []): string | undefined {
  if (isTooLong(password)) return `Salasanassa saa olla enintään ${maxPasswordLength} merkkiä.`;
  if ([...password].length < minPasswordLength) return `Salasanassa pitää olla vähintään ${minPasswordLength} merkkiä.`;
  const lower = password.normalize('NFC').toLowerCase();
  if (userInputs.some((input) => input.length >= 3 && lower.includes(input.normalize('NFC').toLowerCase()))) {
    return 'Salasanassa ei saa olla käyttäjätunnusta. Valitse salasana, jossa ei ole tunnusta eikä nimeäsi.';
  }
  // The service's own names are the first words a guesser tries against its staff.
  const result = strength().check(password, [...userInputs, ...serviceWords]);
  return result.score >= minScore ? undefined : weakMessage(result.feedback);
}

/** zxcvbn's Finnish warning and suggestions, or general advice when it has none (a score of 3 comes with none). */
function weakMessage({ warning, suggestions }: FeedbackType): string {
  const advice = suggestions.length > 0 ? suggestions : [translations.suggestions.anotherWord];
  const why = warning ? `Salasana on liian helppo arvata: ${warning.charAt(0).toLowerCase()}${warning.slice(1)}` : 'Salasana on liian helppo arvata.';
  return `${why} ${advice.map((line) => `${line.replace(/\.$/, '')}.`).join(' ')} Pitkä lause tai useampi satunnainen sana on hyvä salasana.`;
}

/** Why a username cannot be used, in Finnish, or undefined when it can. */
export function usernameProblem(username: string): string | undefined {
  return /^[a-z0-9._-]{3,64}$/.test(username)
    ? undefined
    : 'Käyttäjätunnuksessa pitää olla 3–64 merkkiä: pieniä kirjaimia a–z, numeroita, pisteitä, viivoja tai alaviivoja.';
}
