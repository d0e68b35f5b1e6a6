/**
 * The request schema under generated input (fast-check): nothing throws, every valid request is accepted and
 * stored as sent, and every refusal names known fields in Finnish without repeating what was typed. A failure
 * prints the seed and path to replay it (fc.assert).
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import fc from 'fast-check';
import { requests } from '../../../api/requests/collections.ts';
import { fieldLabels } from '../../../api/requests/messages.ts';
import { limits, validateRequest } from '../../../api/requests/schema.ts';
import { requestTypes } from '../../../api/requests/types.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { postJson } from '../../fixtures/post.ts';

/** Wrapped around every generated string, so an echo of the input is easy to find and never a coincidence. */
const marker = 'ÅÅ';
const marked = fc.string({ maxLength: 30, unit: 'binary' }).map((s) => `${marker}${s}${marker}`);
const fieldNames = [...Object.keys(fieldLabels), 'type', 'website', '__proto__', 'constructor', 'toString', 'x'];
const value = fc.oneof(
  marked,
  fc.constantFrom(...requestTypes, 'private', 'organisation', 'json', 'csv', 'on', 'true', ''),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(marked, { maxLength: 3 }),
  fc.dictionary(marked, marked, { maxKeys: 2 }),
);
const anyInput = fc.oneof(
  { weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...fieldNames), value, { maxKeys: 12 }) },
  { weight: 1, arbitrary: fc.anything() },
);
const known = new Set([...Object.keys(fieldLabels), 'form', 'type', 'website']);

test('arbitrary input never throws; a refusal names known fields in Finnish and never repeats the input', () => {
  fc.assert(
    fc.property(anyInput, (input) => {
      const result = validateRequest(input);
      if (result.ok) return;
      const names = Object.keys(result.errors);
      assert.ok(names.length > 0, 'a refusal without a reason');
      for (const name of names) {
        assert.ok(known.has(name), `an error for the unknown field "${name}"`);
        for (const message of result.errors[name] ?? []) {
          assert.ok(message.length > 10 && /[a-zäö]/i.test(message), `an empty or odd message for ${name}`);
          assert.ok(!message.includes(marker), `the message for ${name} repeats the input: ${message}`);
        }
      }
    }),
    { numRuns: 3000 },
  );
});

// Valid requests, generated per type: clean one-line texts (what the schema keeps as it is) and real addresses.
const word = fc.stringMatching(/^[A-Za-zÅÄÖåäö][a-zåäö'-]{0,14}$/);
const lineText = (max: number) => fc.array(word, { minLength: 1, maxLength: 6 }).map((words) => words.join(' ').slice(0, max).trim()).filter((s) => s.length > 0);
const freeText = (max: number) => fc.array(lineText(80), { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n').slice(0, max).trim());
let addresses = 0;
const email = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}[a-z0-9]$/), fc.constantFrom('example.fi', 'koulu.example', 'posti.invalid')).map(([local, domain]) => {
  addresses += 1;
  return `${local.replace(/\.{2,}/g, '.')}.${addresses}@${domain}`;
});
const subject = fc.record(
  {
    name: lineText(limits.name),
    email,
    phone: fc.stringMatching(/^\+358 ?[1-9]\d{5,9}$/),
    relation: fc.constant('private' as const),
    username: lineText(limits.username),
  },
  { requiredKeys: ['name', 'email', 'relation'] },
);
const organisationSubject = subject.chain((s) => lineText(limits.organisation).map((organisation) => ({ ...s, relation: 'organisation' as const, organisation })));
const validRequest = fc.oneof(
  fc.tuple(fc.oneof(subject, organisationSubject), fc.option(freeText(limits.details), { nil: undefined })).map(([s, details]) => ({ type: 'access', ...s, ...(details ? { details } : {}) })),
  fc.tuple(subject, freeText(limits.wrong), freeText(limits.correct), fc.boolean()).map(([s, wrong, correct, restrictMeanwhile]) => ({ type: 'rectification', ...s, wrong, correct, restrictMeanwhile })),
  fc.tuple(subject, fc.boolean()).map(([s, restrictMeanwhile]) => ({ type: 'erasure', ...s, restrictMeanwhile })),
  fc.tuple(subject, freeText(limits.details)).map(([s, details]) => ({ type: 'restriction', ...s, details })),
  fc.tuple(subject, fc.constantFrom('json', 'csv'), fc.option(lineText(limits.recipient), { nil: undefined })).map(([s, format, recipient]) => ({ type: 'portability', ...s, format, ...(recipient ? { recipient } : {}) })),
  fc.tuple(subject, freeText(limits.details), fc.boolean()).map(([s, details, restrictMeanwhile]) => ({ type: 'objection', ...s, details, restrictMeanwhile })),
);

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

test('generated valid requests are accepted as sent, field for field', () => {
  fc.assert(
    fc.property(validRequest, (input) => {
      const result = validateRequest(input);
      assert.ok(result.ok, JSON.stringify(result));
      const expected = { restrictMeanwhile: false, ...input };
      if (input.type === 'access' || input.type === 'portability' || input.type === 'restriction') delete (expected as Record<string, unknown>).restrictMeanwhile;
      assert.deepEqual(Object.fromEntries(Object.entries(result.value).filter(([, v]) => v !== undefined)), expected);
    }),
    { numRuns: 2000 },
  );
});

test('generated valid requests posted to the intake are stored as sent', async () => {
  const app = await testApp();
  t = app;
  let client = 0;
  await fc.assert(
    fc.asyncProperty(validRequest, async (input) => {
      client += 1;
      assert.deepEqual(validateRequest(input).ok, true, JSON.stringify(validateRequest(input)));
      const res = await postJson(app.app, '/api/requests', input, {}, `198.18.${(client >> 8) & 255}.${client & 255}`);
      const answer = await res.text();
      assert.equal(res.status, 201, answer);
      const { reference } = JSON.parse(answer) as { reference: string };
      const stored = app.store.view(requests).find('reference', reference);
      assert.ok(stored, 'the accepted request is not in the store');
      const { type, name, email: address, phone, relation, organisation, username, ...rest } = input as Record<string, unknown>;
      assert.equal(stored.type, type);
      assert.deepEqual(stored.subject, Object.fromEntries(Object.entries({ name, email: address, phone, relation, organisation, username }).filter(([, v]) => v !== undefined)));
      for (const [field, sent] of Object.entries(rest)) assert.deepEqual((stored as unknown as Record<string, unknown>)[field], sent, field);
    }),
    { numRuns: 100 },
  );
});
