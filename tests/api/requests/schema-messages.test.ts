/**
 * The schema's messages, walked over every type's shape: a field left empty and a field filled in wrong each get
 * exactly one message, and it says what to do (an imperative). Also the rules beyond the schema: the
 * organisation of an organisation user, and a ban's phone read as a real number in E.164.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errors } from '../../../api/requests/messages.ts';
import { readPhone } from '../../../api/requests/phone.ts';
import { shapes, validateRequest } from '../../../api/requests/schema.ts';
import { requestTypes, type RequestType } from '../../../api/requests/types.ts';

const subject = { name: 'Maija Meikäläinen', email: 'maija@example.fi', relation: 'private' };

/** A valid form post of each type, as a form sends it (strings, unchecked boxes left out). */
const valid: Record<RequestType, Record<string, string>> = {
  access: { type: 'access', ...subject },
  rectification: { type: 'rectification', ...subject, wrong: 'Sukunimi', correct: 'Meikäläinen' },
  erasure: { type: 'erasure', ...subject },
  restriction: { type: 'restriction', ...subject, details: 'Kiistän tietojen oikeellisuuden.' },
  portability: { type: 'portability', ...subject, format: 'json' },
  objection: { type: 'objection', ...subject, details: 'Vastustan markkinointia.' },
  marketing_ban: { type: 'marketing_ban', email: 'maija@example.fi' },
};

/** Something wrong for each field that can be: the form post a hand or a bot could make. */
const wrong: Record<string, string> = {
  name: 'ä'.repeat(201),
  email: 'maija(at)example',
  phone: 'soita minulle',
  relation: 'naapuri',
  organisation: 'Koulu\u0007',
  username: 'k'.repeat(101),
  details: 'ä'.repeat(5001),
  wrong: 'Sukunimi\u202e',
  correct: 'ä'.repeat(2001),
  format: 'pdf',
  recipient: 'ä'.repeat(501),
  restrictMeanwhile: 'ehkä',
  website: 'http://spam.example',
};

/** Every message starts by saying what to do. */
const imperative = /^(Kirjoita|Valitse|Kerro|Lyhennä|Jätä|Avaa|Lähetä)[ ,]/;

const fieldsOf = (type: RequestType) => Object.keys(shapes[type].entries).filter((name) => name !== 'type');
const isOptional = (type: RequestType, name: string) => (shapes[type].entries as Record<string, { type: string }>)[name]?.type === 'optional';

function refusal(input: Record<string, unknown>): Record<string, string[]> {
  const result = validateRequest(input, readPhone);
  assert.ok(!result.ok, `accepted: ${JSON.stringify(input)}`);
  return result.errors;
}

/** The only field refused is `field`, with one message that says what to do. */
function oneMessage(errors: Record<string, string[]>, field: string): string {
  assert.deepEqual(Object.keys(errors), [field], JSON.stringify(errors));
  assert.equal(errors[field]?.length, 1, JSON.stringify(errors));
  const message = errors[field]?.[0] ?? '';
  assert.match(message, imperative);
  assert.doesNotMatch(message, /tämä tieto tarvitaan/);
  return message;
}

describe('every field of every type', () => {
  for (const type of requestTypes) {
    test(`${type}: the valid post is accepted`, () => {
      assert.ok(validateRequest(valid[type], readPhone).ok);
    });

    for (const field of fieldsOf(type)) {
      test(`${type}.${field}: left empty or left out, one message if it is required`, () => {
        const { [field]: _left, ...without } = valid[type];
        // An unchecked box is not sent at all; every other field is sent empty.
        for (const input of field === 'restrictMeanwhile' ? [without] : [{ ...valid[type], [field]: '' }, without]) {
          if (isOptional(type, field)) assert.ok(validateRequest(input, readPhone).ok, JSON.stringify(input));
          else oneMessage(refusal(input), field);
        }
      });

      test(`${type}.${field}: filled in wrong, one message`, () => {
        const input = { ...valid[type], [field]: wrong[field] ?? assert.fail(`no wrong value for ${field}`) };
        // The organisation is read only from organisation users.
        if (field === 'organisation') input.relation = 'organisation';
        oneMessage(refusal(input), field);
      });
    }
  }
});

test('an empty form gets one message for each field it needs, in the form\'s order', () => {
  const empty = refusal({ type: 'portability', name: '', email: '', phone: '', organisation: '', username: '', recipient: '', details: '', website: '' });
  assert.deepEqual(empty, {
    name: ['Kirjoita nimesi.'],
    email: ['Kirjoita sähköpostiosoitteesi.'],
    relation: ['Valitse, käytätkö palvelua itse vai organisaation kautta.'],
    format: ['Valitse, haluatko tiedot JSON- vai CSV-muodossa.'],
  });
});

test('a wrong e-mail address gets the one message that shows its form, not also "empty"', () => {
  for (const email of ['maija@', ' @ ', 'maija']) {
    assert.equal(oneMessage(refusal({ ...valid.erasure, email }), 'email'), 'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.');
  }
});

test('every message of the schema says what to do', () => {
  const all = [...Object.values(errors.empty), ...Object.values(errors.reason), errors.email, errors.phone, errors.checkbox, errors.tooLong(5), errors.control, errors.text];
  for (const message of all) assert.match(message, imperative);
});

describe('the organisation rule', () => {
  test('an organisation user names the organisation', () => {
    const message = oneMessage(refusal({ ...valid.erasure, relation: 'organisation', organisation: '  ' }), 'organisation');
    assert.equal(message, 'Kirjoita organisaation nimi, koska käytät palvelua organisaation kautta.');
    const result = validateRequest({ ...valid.erasure, relation: 'organisation', organisation: ' Oulun kaupunki ' });
    assert.ok(result.ok && 'organisation' in result.value && result.value.organisation === 'Oulun kaupunki');
  });

  test('a private customer needs none, and an answer given is dropped', () => {
    const result = validateRequest({ ...valid.erasure, organisation: 'Oulun kaupunki' });
    assert.ok(result.ok);
    assert.equal('organisation' in result.value ? result.value.organisation : undefined, undefined);
  });

  test('it is reported with the schema\'s messages, once', () => {
    const errors = refusal({ type: 'erasure', name: '', email: 'maija@example.fi', relation: 'organisation' });
    assert.deepEqual(Object.keys(errors), ['name', 'organisation']);
  });
});

describe('a marketing ban\'s phone', () => {
  const ban = (phone: string) => validateRequest({ ...valid.marketing_ban, phone }, readPhone);

  test('is kept in international form; one without a country code is Finnish', () => {
    for (const [typed, number] of [
      ['040 123 4567', '+358401234567'],
      ['+358 40 123 4567', '+358401234567'],
      ['040-1234567', '+358401234567'],
      ['(09) 123 4567', '+35891234567'],
      ['+46 70 123 45 67', '+46701234567'],
    ] as const) {
      const result = ban(typed);
      assert.ok(result.ok && result.value.type === 'marketing_ban', typed);
      assert.equal(result.value.phone, number, typed);
    }
  });

  test('that is no real number gets the phone message, beside the other fields\' own', () => {
    for (const typed of ['040 123', '+358 00 000 0000', '12345', '+35840123456789']) {
      assert.equal(oneMessage(refusal({ ...valid.marketing_ban, phone: typed }), 'phone'), errors.phone, typed);
    }
    assert.deepEqual(refusal({ type: 'marketing_ban', email: 'maija@', phone: '040 123' }), { email: [errors.email], phone: [errors.phone] });
  });

  test('left empty is no phone', () => {
    const result = ban('  ');
    assert.ok(result.ok && result.value.type === 'marketing_ban');
    assert.equal(result.value.phone, undefined);
  });

  test('the form script, without the numbering plans, checks its characters only; the server reads the rest', () => {
    assert.ok(validateRequest({ ...valid.marketing_ban, phone: '040 123' }).ok);
    assert.deepEqual(validateRequest({ ...valid.marketing_ban, phone: 'soita' }), { ok: false, errors: { phone: [errors.phone] } });
  });
});
