import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret, TOTP, URI } from 'otpauth';
import { hashRecoveryCode, isRecoveryCodeShape, matchCode, newRecoveryCodes, newSecret, qrSvg, qrTerminal, totpUri } from '../../../api/staff/totp.ts';

const now = new Date('2026-11-25T08:00:10Z');
const step = Math.floor(now.getTime() / 30_000);
const codeAt = (secret: string, at: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at });

test('a new secret is 20 random bytes in base32', () => {
  const secret = newSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.equal(Secret.fromBase32(secret).bytes.length, 20);
  assert.notEqual(newSecret(), secret);
});

test('the otpauth URI is what authenticator apps read: issuer, username, SHA1, 6 digits, 30 s, the secret', () => {
  const secret = newSecret();
  const uri = totpUri('maija.m', secret);
  assert.match(uri, /^otpauth:\/\/totp\//);
  const parsed = URI.parse(uri);
  assert.ok(parsed instanceof TOTP);
  assert.equal(parsed.issuer, 'Opinaika tietosuoja');
  assert.equal(parsed.label, 'maija.m');
  assert.equal(parsed.algorithm, 'SHA1');
  assert.equal(parsed.digits, 6);
  assert.equal(parsed.period, 30);
  assert.equal(parsed.secret.base32, secret);
});

test('a code of the current step or the one before or after gives its step; others do not match', () => {
  const secret = newSecret();
  assert.equal(matchCode(secret, codeAt(secret, now.getTime()), now), step);
  assert.equal(matchCode(secret, codeAt(secret, now.getTime() - 30_000), now), step - 1);
  assert.equal(matchCode(secret, codeAt(secret, now.getTime() + 30_000), now), step + 1);
  const code = codeAt(secret, now.getTime());
  assert.equal(matchCode(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now), step);
  // Two steps away is too far, unless that code happens to equal one within the window (one in a million).
  const nearby = new Set([-1, 0, 1].map((d) => codeAt(secret, now.getTime() + d * 30_000)));
  for (const d of [-2, 2]) {
    const far = codeAt(secret, now.getTime() + d * 30_000);
    if (!nearby.has(far)) assert.equal(matchCode(secret, far, now), undefined, `step ${d}`);
  }
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  if (!nearby.has(wrong)) assert.equal(matchCode(secret, wrong, now), undefined);
  // Another account's code does not match (unless by the same one-in-a-million chance).
  const other = newSecret();
  const othersNearby = new Set([-1, 0, 1].map((d) => codeAt(other, now.getTime() + d * 30_000)));
  if (!othersNearby.has(code)) assert.equal(matchCode(other, code, now), undefined);
});

test('anything but six digits is no code', () => {
  const secret = newSecret();
  for (const bad of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６', '12-34-56', `${codeAt(secret, now.getTime())}0`]) {
    assert.equal(matchCode(secret, bad, now), undefined, bad);
  }
});

test('ten recovery codes of four groups of four base32 letters, all different', () => {
  const codes = newRecoveryCodes();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const code of codes) {
    assert.match(code, /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    assert.equal(isRecoveryCodeShape(code), true);
  }
  assert.notDeepEqual(newRecoveryCodes(), codes);
});

test('a recovery code hashes the same however it is typed, and is told apart from a TOTP code', () => {
  const [code = ''] = newRecoveryCodes();
  const hash = hashRecoveryCode(code);
  assert.match(hash, /^[\w-]{43}$/);
  const typed = [code.toUpperCase(), code.replaceAll('-', ''), code.replaceAll('-', ' '), ` ${code} `];
  for (const variant of typed) {
    assert.equal(hashRecoveryCode(variant), hash, variant);
    assert.equal(isRecoveryCodeShape(variant), true, variant);
  }
  assert.notEqual(hashRecoveryCode(newRecoveryCodes()[0] ?? ''), hash);
  for (const bad of ['123456', '123 456', code.slice(0, 14), `${code}a`, code.replace(/[a-z2-7]$/, '1'), '']) {
    assert.equal(isRecoveryCodeShape(bad), false, bad);
  }
});

test('the QR code SVG has no prolog, is named for screen readers, and is dark on white with a quiet zone', async () => {
  const svg = await qrSvg('otpauth://totp/x?secret=ABCD', 'QR-koodi "sovellukselle"');
  assert.match(svg, /^<svg role="img" aria-label="QR-koodi &quot;sovellukselle&quot;" xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  assert.ok(!svg.includes('<?xml'));
  assert.match(svg, /<path fill="#ffffff" d="M0 0h(\d+)v\1H0z"\/>/);
  assert.match(svg, /<path stroke="#000000" d="M4 4\.5h7/, 'the finder pattern starts 4 modules in');
  assert.match(svg, /<\/svg>$/);
});

test('the QR code for a terminal is printed in block characters', async () => {
  const text = await qrTerminal('otpauth://totp/x?secret=ABCD');
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length > 10);
  assert.match(text, /[▀▄█]/);
});
