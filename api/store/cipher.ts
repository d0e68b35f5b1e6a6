/**
 * Encryption at rest with DATA_KEY: AES-256-GCM from node:crypto, so a changed byte is detected, with the key's
 * id written beside every ciphertext so the right key can be named (and a wrong one refused) before anything
 * is decrypted. Two shapes:
 * - a file (the snapshot, a backup's parts): one JSON header line `{"format":…,"kind","keyId","iv"}`, then the
 *   ciphertext, then the 16-byte tag; the header line is the additional authenticated data;
 * - a journal line: `{"format":…,"keyId","iv","data":<base64 ciphertext and tag>}`, one per committed batch.
 * Without a key files are plain JSON; which one a file is shows in its first bytes.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, type CipherGCM } from 'node:crypto';

const format = 'tietosuoja-aes-256-gcm';
const prefix = Buffer.from(`{"format":"${format}"`);
const tagBytes = 16;

/** A key is missing, or is not the one the files were encrypted with. Nothing was changed. */
export class KeyError extends Error {
  override name = 'KeyError';
}

/** 32 bytes from DATA_KEY (base64), and its id: a hash that names the key without revealing it. */
export class DataKey {
  readonly id: string;
  readonly bytes: Buffer;

  private constructor(bytes: Buffer) {
    this.bytes = bytes;
    this.id = createHash('sha256').update('tietosuoja key id\0').update(bytes).digest('hex').slice(0, 16);
  }

  /** Undefined for an unset or empty variable; throws, naming the variable, for anything but 32 bytes of base64. */
  static parse(text: string | undefined, variable = 'DATA_KEY'): DataKey | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    const trimmed = text.trim();
    const bytes = Buffer.from(trimmed, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || bytes.length !== 32) {
      throw new KeyError(`${variable} must be 32 random bytes in base64 (make one with: openssl rand -base64 32)`);
    }
    return new DataKey(bytes);
  }

  static random(): DataKey {
    return new DataKey(randomBytes(32));
  }
}

/**
 * The keys a process holds: `write` encrypts what it writes (none: plain JSON); `read` are the keys it may
 * decrypt with; `plain` says whether unencrypted files may be read (only when no DATA_KEY is set, and by rekey).
 */
export type Keys = { write: DataKey | undefined; read: DataKey[]; plain: boolean };

/** The server's keys: DATA_KEY, or none. */
export function keysOf(key: DataKey | undefined): Keys {
  return { write: key, read: key ? [key] : [], plain: !key };
}

export const noKeys: Keys = keysOf(undefined);

/** Whether the bytes (a file's start, or a journal line) are in the encrypted format. */
export function isEncrypted(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, prefix.length)).equals(prefix);
}

/** The key a file or line needs, or a KeyError that names DATA_KEY and says what to do. */
function keyFor(keys: Keys, keyId: unknown, where: string): DataKey {
  const key = keys.read.find((k) => k.id === keyId);
  if (key) return key;
  if (keys.read.length === 0) throw new KeyError(`${where} is encrypted (key id ${String(keyId)}): set DATA_KEY to the key it was encrypted with`);
  throw new KeyError(
    `${where} is encrypted with key id ${String(keyId)}, but DATA_KEY is key id ${keys.read.map((k) => k.id).join(', ')}: ` +
      'set DATA_KEY to the key the data was encrypted with',
  );
}

function refusePlain(keys: Keys, where: string): void {
  if (!keys.plain) {
    throw new KeyError(`${where} is stored unencrypted, but DATA_KEY is set: unset DATA_KEY, or encrypt the data first with \`npm run rekey\` (NEW_DATA_KEY)`);
  }
}

/** A file's header and the cipher that encrypts its body; the caller appends `cipher.final()` and `cipher.getAuthTag()`. */
export function encryptFile(key: DataKey, kind: string): { header: Buffer; cipher: CipherGCM } {
  const iv = randomBytes(12);
  const header = Buffer.from(`${JSON.stringify({ format, kind, keyId: key.id, iv: iv.toString('base64') })}\n`);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(header);
  return { header, cipher };
}

/** A whole buffer encrypted as a file of the given kind. */
export function sealFile(key: DataKey, kind: string, plain: Uint8Array): Buffer {
  const { header, cipher } = encryptFile(key, kind);
  return Buffer.concat([header, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/**
 * A file's plain bytes: decrypted and verified when encrypted, as they are when plain (if plain files may be
 * read). Throws KeyError for a missing or wrong key, and `damaged(problem)` for anything that does not verify.
 */
export function openFile(bytes: Buffer, keys: Keys, kind: string, where: string, damaged: (problem: string) => Error): Buffer {
  if (!isEncrypted(bytes)) {
    if (bytes.length < prefix.length && prefix.subarray(0, bytes.length).equals(bytes)) throw damaged('is cut short');
    refusePlain(keys, where);
    return bytes;
  }
  const newline = bytes.indexOf(0x0a);
  let header: { kind?: unknown; keyId?: unknown; iv?: unknown };
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as typeof header;
  } catch {
    throw damaged('has a damaged encryption header');
  }
  if (header.kind !== kind) throw damaged(`holds a ${String(header.kind)}, not a ${kind}`);
  const key = keyFor(keys, header.keyId, where);
  if (typeof header.iv !== 'string' || bytes.length < newline + 1 + tagBytes) throw damaged('is cut short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(header.iv, 'base64'));
    decipher.setAAD(bytes.subarray(0, newline + 1));
    decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
    return Buffer.concat([decipher.update(bytes.subarray(newline + 1, bytes.length - tagBytes)), decipher.final()]);
  } catch {
    throw damaged('does not verify: a byte of it was changed, or it was cut short');
  }
}

const lineAad = Buffer.from('tietosuoja journal record');

/** One journal record's JSON as the line to append (without its newline). */
export function sealLine(keys: Keys, json: string): string {
  const key = keys.write;
  if (!key) return json;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(lineAad);
  const data = Buffer.concat([cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({ format, keyId: key.id, iv: iv.toString('base64'), data: data.toString('base64') });
}

/**
 * A journal line's JSON bytes: decrypted when encrypted. Undefined when the line does not verify (torn or
 * damaged: the journal decides which); a KeyError when the key is missing or wrong, or a plain line is not allowed.
 */
export function openLine(keys: Keys, line: Buffer, where: string): Buffer | undefined {
  if (!isEncrypted(line)) {
    // The start of an encrypted line that a crash cut short is not a plain line.
    if (line.length < prefix.length && prefix.subarray(0, line.length).equals(line)) return undefined;
    refusePlain(keys, where);
    return line;
  }
  let sealed: { keyId?: unknown; iv?: unknown; data?: unknown };
  try {
    sealed = JSON.parse(line.toString('utf8')) as typeof sealed;
  } catch {
    return undefined;
  }
  const key = keyFor(keys, sealed.keyId, where);
  if (typeof sealed.iv !== 'string' || typeof sealed.data !== 'string') return undefined;
  const data = Buffer.from(sealed.data, 'base64');
  // Strict: another spelling of the same bytes is not the line that was written.
  if (data.length < tagBytes || data.toString('base64') !== sealed.data) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(lineAad);
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - tagBytes)), decipher.final()]);
  } catch {
    return undefined;
  }
}
