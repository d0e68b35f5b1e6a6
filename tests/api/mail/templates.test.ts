/**
 * The mails' words: the reference in the confirmation mail, the request said as a person would say it, the
 * legal terms right (the address's holder; the remedies of Art. 77–79), and the ban receipt naming what was recorded.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Controller } from '../../../api/requests/art15.ts';
import {
  banReceiptMail,
  confirmedMail,
  confirmMail,
  decisionMail,
  extendedMail,
  organisationMail,
  transferMail,
} from '../../../api/mail/templates.ts';
import { requestedTo, typeNames } from '../../../api/requests/messages.ts';
import type { RequestRecord } from '../../../api/requests/record.ts';
import { requestTypes } from '../../../api/requests/types.ts';

const controller: Controller = { name: 'Alfasoft Oy', email: 'info@alfasoft.fi', phone: '08 5349 300' };
const link = 'https://tietosuoja.example.fi/pyynto/vahvista/Zx9_kQ-3vT8mYbL2pWnR4sJ7dHfA1cE6uGiO0tKyXqM';
const at = '2026-02-10T10:00:00.000Z';

const request = (extra: Partial<RequestRecord> = {}): RequestRecord => ({
  id: 'id',
  reference: 'TS-2026-00042',
  type: 'erasure',
  status: 'received',
  subject: { name: 'Maija Meikäläinen', email: 'maija@example.fi', relation: 'private' },
  createdAt: '2026-01-31T10:00:00.000Z',
  confirmedAt: '2026-02-02T10:00:00.000Z',
  dueAt: '2026-02-28',
  events: [],
  ...extra,
});
const decided = (outcome: 'completed' | 'rejected', r = request()) =>
  decisionMail({ ...r, status: outcome, decision: { outcome, reason: 'Kirjanpitolaki velvoittaa säilyttämään laskut.', by: 'maija', at } }, controller, () => undefined);

/** Every mail to a subject or an organisation, of every type where the type shows. */
function everyMail() {
  return requestTypes.flatMap((type) => {
    const r = request({ type, transfers: [{ to: 'Toinen Oy', on: '2026-02-09', what: 'Tehtävät', how: 'Suojattu siirto', by: 'maija', at }], extension: { until: '2026-04-28', reason: 'Paljon pyyntöjä.' } });
    return [
      confirmMail({ ...r, status: 'awaiting_confirmation' }, link, controller),
      confirmedMail(r, link, controller),
      banReceiptMail(r, controller),
      extendedMail(r, controller),
      decided('completed', r),
      decided('rejected', r),
      decisionMail({ ...r, status: 'forwarded', decision: { outcome: 'forwarded', reason: '', by: 'maija', at, forwardedTo: 'tietosuoja@koulu.example' } }, controller),
      organisationMail(r, controller),
      transferMail(r, controller),
    ];
  });
}

describe('the confirmation mail', () => {
  test('gives the reference and the day the request arrived, and says what was asked as a person would', () => {
    const { subject, text } = confirmMail(request({ status: 'awaiting_confirmation' }), link, controller);
    assert.equal(subject, 'Vahvista tietosuojapyyntösi');
    assert.match(text, /^Hei,\n\nsaimme 31\.1\.2026 pyyntösi poistaa tietosi Opinaika-palvelusta\. Pyynnön viitenumero on TS-2026-00042\./);
    assert.ok(text.includes(`\n\n${link}\n\n`));
    assert.match(text, /pyynnön on tehnyt tämän sähköpostiosoitteen haltija\./);
  });

  test('each type has its own phrase, used in the sentence', () => {
    for (const type of requestTypes) {
      assert.ok(requestedTo[type].length > 0);
      if (type === 'marketing_ban') continue;
      assert.ok(confirmMail(request({ type }), link, controller).text.includes(`pyyntösi ${requestedTo[type]}.`), type);
    }
  });
});

describe('no mail reads as form output or gets the law wrong', () => {
  test('no type name in brackets, no "omistaja", no "hakea muutosta tuomioistuimessa"', () => {
    for (const { text } of everyMail()) {
      for (const name of Object.values(typeNames)) assert.ok(!text.includes(`(${name}`), `"(${name}" in:\n${text}`);
      assert.doesNotMatch(text, /tietosuojasivulla tehdyn|omistaja|tuomioistuimessa/);
    }
  });
});

describe('a decision', () => {
  for (const outcome of ['rejected', 'completed'] as const) {
    test(`${outcome}: names the three remedies, each where it is sought`, () => {
      const { text } = decided(outcome);
      assert.match(text, /Jos olet eri mieltä ratkaisusta:\n\n• Voit tehdä valituksen tietosuojavaltuutetulle \(EU:n tietosuoja-asetuksen 77 artikla\)\..* osoitteessa https:\/\/tietosuoja\.fi\./);
      assert.match(text, /\n• Jos tietosuojavaltuutettu tekee asiassasi päätöksen, voit hakea siihen muutosta valittamalla hallinto-oikeuteen \(78 artikla\)\./);
      assert.match(text, /\n• Voit myös nostaa kanteen meitä vastaan käräjäoikeudessa \(79 artikla\)/);
    });
  }

  test('a rejection gives the reason after saying what could not be done', () => {
    const { subject, text } = decided('rejected');
    assert.equal(subject, 'Pyyntöäsi TS-2026-00042 ei voitu toteuttaa');
    assert.match(text, /^Hei,\n\nemme voi toteuttaa pyyntöäsi poistaa tietosi Opinaika-palvelusta \(viitenumero TS-2026-00042\)\.\n\nPerustelu:\nKirjanpitolaki velvoittaa säilyttämään laskut\.\n\n/);
  });
});

describe('the ban receipt', () => {
  const ban = (phone?: string) =>
    banReceiptMail(request({ type: 'marketing_ban', status: 'completed', subject: { email: 'kielto@example.fi', ...(phone ? { phone } : {}) } }), controller).text;

  test('an address alone: names it and the one channel', () => {
    const text = ban();
    assert.match(text, /\n\nSähköpostiosoite: kielto@example\.fi\n\nKielto koskee sähköpostia\.\n/);
    assert.doesNotMatch(text, /Puhelinnumero|tekstivies/);
  });

  test('with a phone number: names both, and calls and text messages too', () => {
    const text = ban('+358401234567');
    assert.match(text, /\n\nSähköpostiosoite: kielto@example\.fi\nPuhelinnumero: \+358401234567\n\nKielto koskee sähköpostia, puheluita ja tekstiviestejä\.\n/);
  });

  test('asks to answer the mail, which goes to the controller', () => {
    assert.match(ban(), /vastaa tähän viestiin\./);
    assert.equal(banReceiptMail(request({ type: 'marketing_ban' }), controller).replyTo, controller.email);
  });
});
