/**
 * The subject's pages behind the mailed links: the status page as a timeline of the request's days, what
 * happens next and whom to ask, the remedies once decided; a status link that leads nowhere has its own page;
 * the confirmation page and its "already confirmed" page give the reference.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { builtController } from '../../../api/requests/art15.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { erasure, postForm, postJson } from '../../fixtures/post.ts';
import { act, confirmedRequest, login, staffApp } from '../../fixtures/staff.ts';
import type { TestApp } from '../../fixtures/app.ts';

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  ({ t, cookie } = await staffApp());
});
afterEach(() => t.close());

/** The page's main text as a reader sees it: a line per block, tags and entities gone. */
const words = (page: string) =>
  page
    .slice(page.indexOf('<main>'), page.indexOf('</main>'))
    .replace(/\s+/g, ' ')
    .replace(/<\/(p|li|h\d|dd|dt)>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/ +/g, ' ')
    .replace(/ *\n\s*/g, '\n')
    .trim();

/** The status page's text, from the link the confirmation mail gave. */
async function statusText(reference: string): Promise<{ status: number; text: string }> {
  const mail = (await t.mails()).find((m) => m.subject === `Pyyntösi ${reference} on vahvistettu`);
  const link = linksIn(mail?.text ?? '').find((l) => l.includes('/pyynto/tila/'));
  assert.ok(link, 'no status link');
  const res = await t.app.request(new URL(link).pathname);
  return { status: res.status, text: words(await res.text()) };
}

/** Moves the clock and logs in again (the session would have ended). */
async function at(instant: string): Promise<void> {
  t.clock.now = new Date(instant);
  cookie = await login(t);
}

const { email, phone } = builtController();
const contact = (reference: string) =>
  `Kysyttävää?\nJos haluat kysyä pyynnöstäsi, kirjoita meille osoitteeseen ${email} tai soita numeroon ${phone}. Kerro viitenumero ${reference}, niin löydämme pyyntösi nopeasti.`;

const remedies = `Jos olet eri mieltä ratkaisusta
Voit tehdä valituksen tietosuojavaltuutetulle (EU:n tietosuoja-asetuksen 77 artikla). Valitus on maksuton, ja sen voi tehdä tietosuojavaltuutetun toimiston sivuilla osoitteessa tietosuoja.fi.
Jos tietosuojavaltuutettu tekee asiassasi päätöksen, voit hakea siihen muutosta valittamalla hallinto-oikeuteen (78 artikla). Hallinto-oikeuteen voit valittaa myös, jos tietosuojavaltuutettu ei käsittele valitustasi tai ei kolmen kuukauden kuluessa kerro sinulle, miten asia etenee.
Voit myös nostaa kanteen meitä vastaan käräjäoikeudessa (79 artikla), jos katsot, että tietojesi käsittely on loukannut oikeuksiasi.
Lue lisää valitusoikeudesta.`;

describe('a decided request', () => {
  test('completed: the state once, each step with its day, the answer, the remedies and whom to ask', async () => {
    const reference = await confirmedRequest(t);
    await at('2026-02-02T09:00:00Z');
    await act(t, cookie, reference, { action: 'start' });
    await act(t, cookie, reference, { action: 'extend', text: 'Tiedot on koottava kolmesta järjestelmästä.', until: '2026-04-28' });
    await at('2026-03-16T12:00:00Z');
    await act(t, cookie, reference, { action: 'complete', text: 'Poistimme tietosi Opinaika-palvelusta.' });
    const { status, text } = await statusText(reference);
    assert.equal(status, 200);
    assert.equal(
      text,
      `Pyyntösi tilanne
Viitenumero
${reference}
Pyyntö
Poistopyyntö
Tila
Valmis
Vaiheet
Pyyntö saapui 31.1.2026
Vahvistettu 31.1.2026
Käsittely alkoi 2.2.2026
Määräaikaa pidennetty 2.2.2026, uusi määräaika 28.4.2026
Ratkaistu 16.3.2026
Ratkaisu
Olemme käsitelleet pyyntösi ja lähettäneet vastauksen myös sähköpostiisi.
Poistimme tietosi Opinaika-palvelusta.
${remedies}
${contact(reference)}`,
    );
  });

  test('rejected: the steps, the reason, and the three remedies', async () => {
    const reference = await confirmedRequest(t);
    await at('2026-02-05T09:00:00Z');
    await act(t, cookie, reference, { action: 'reject', text: 'Kirjanpitolaki velvoittaa säilyttämään laskut.' });
    const { text } = await statusText(reference);
    assert.ok(text.includes('Tila\nHylätty\nVaiheet\nPyyntö saapui 31.1.2026\nVahvistettu 31.1.2026\nRatkaistu 5.2.2026\nRatkaisu\n'), text);
    assert.ok(text.includes('Emme voineet toteuttaa pyyntöäsi. Lähetimme perustelun myös sähköpostiisi:\nKirjanpitolaki velvoittaa säilyttämään laskut.\n'), text);
    assert.ok(text.endsWith(`${remedies}\n${contact(reference)}`), text);
    assert.doesNotMatch(text, /Vastaamme viimeistään|tuomioistuimessa/);
  });
});

describe('an open request says what happens next', () => {
  test('received: we answer by the deadline, counted from the arrival, and may extend it with reasons', async () => {
    const reference = await confirmedRequest(t);
    const { text } = await statusText(reference);
    assert.ok(text.includes('Tila\nVastaanotettu\nVastaamme viimeistään\n28.2.2026\nVaiheet\nPyyntö saapui 31.1.2026\nVahvistettu 31.1.2026\n'), text);
    assert.ok(
      text.includes(
        'Mitä seuraavaksi tapahtuu\nPyyntösi odottaa käsittelyä. Vastaamme viimeistään 28.2.2026, eli kuukauden kuluessa siitä, kun pyyntösi saapui.\n' +
          'Jos pyyntö on monimutkainen tai pyyntöjä on paljon, voimme pidentää määräaikaa enintään kahdella kuukaudella. Kerromme silloin sinulle pidennyksestä ja sen syystä ennen kuin alkuperäinen määräaika päättyy.\n',
      ),
      text,
    );
    assert.ok(text.endsWith(contact(reference)));
    assert.doesNotMatch(text, /Jos olet eri mieltä|Ratkaisu/);
  });

  test('in progress and extended: the new deadline, the first one, and the reason', async () => {
    const reference = await confirmedRequest(t);
    await act(t, cookie, reference, { action: 'start' });
    assert.match((await statusText(reference)).text, /Tila\nKäsittelyssä\n[\s\S]*\nMitä seuraavaksi tapahtuu\nKäsittelemme pyyntöäsi\. Vastaamme viimeistään 28\.2\.2026/);
    await act(t, cookie, reference, { action: 'extend', text: 'Pyyntöjä on poikkeuksellisen paljon.', until: '2026-04-28' });
    const { text } = await statusText(reference);
    assert.ok(text.includes('Vastaamme viimeistään\n28.4.2026\n'), text);
    assert.ok(
      text.includes(
        'Käsittelemme pyyntöäsi. Käsittely vie tavallista kauemmin, joten olemme pidentäneet määräaikaa: vastaamme viimeistään 28.4.2026 (alkuperäinen määräaika oli 28.2.2026).\nPerustelu: Pyyntöjä on poikkeuksellisen paljon.\n',
      ),
      text,
    );
  });

  test('a state and a day are never named with the same word', async () => {
    const reference = await confirmedRequest(t);
    const { text } = await statusText(reference);
    assert.equal(text.split('Vastaanotettu').length, 2, 'the state is named more than once');
  });
});

describe('a status link that leads to no request', () => {
  test('has its own page: copy the whole link, or ask with the reference; no advice to ask again', async () => {
    for (const path of [`/pyynto/tila/${'A'.repeat(43)}`, '/pyynto/tila/katkennut-linkki']) {
      const res = await t.app.request(path);
      assert.equal(res.status, 410);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      const page = await res.text();
      assert.equal(
        words(page),
        `Tilasivua ei löytynyt
Tällä linkillä ei löydy pyyntöä. Linkistä on ehkä jäänyt pois osa, tai siihen on tullut kirjoitusvirhe. Kopioi linkki kokonaan viestistä, jonka lähetimme, kun vahvistit pyyntösi, ja liitä se selaimen osoiteriville.
Tilasivu poistuu käytöstä myös, kun pyynnön tiedot poistetaan säilytysajan päätyttyä.
Jos haluat kysyä pyynnöstäsi, kirjoita meille osoitteeseen ${email} tai soita numeroon ${phone}. Kerro pyyntösi viitenumero: se on samassa viestissä kuin linkki.`,
      );
      assert.ok(page.includes(`<a href="mailto:${email}">`));
      assert.doesNotMatch(page, /uudelleen|#oikeudet|vanhentunut|7 päivää/);
    }
  });

  test('a confirmation link that expired keeps its own text', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const link = linksIn((await t.mails())[0]?.text ?? '').find((l) => l.includes('/pyynto/vahvista/')) ?? '';
    t.clock.now = new Date('2026-02-08T10:00:00Z');
    const res = await t.app.request(new URL(link).pathname);
    assert.equal(res.status, 410);
    assert.match(await res.text(), /Linkki on vanhentunut tai virheellinen\. Vahvistuslinkki on voimassa 7 päivää\./);
  });
});

describe('the confirmation page', () => {
  test('gives the reference, the request in words and the day it arrived', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const link = linksIn((await t.mails())[0]?.text ?? '').find((l) => l.includes('/pyynto/vahvista/')) ?? '';
    const text = words(await (await t.app.request(new URL(link).pathname)).text());
    assert.ok(
      text.startsWith(
        'Vahvista pyyntösi\nSaimme pyyntösi poistaa tietosi Opinaika-palvelusta. Vahvista, että pyyntö on sinun, niin otamme sen käsittelyyn.\nViitenumero\nTS-2026-00001\nPyyntö\nPoistopyyntö\nPyyntö saapui\n31.1.2026\n',
      ),
      text,
    );
  });

  test('opened or sent again once confirmed, it says so with the reference and the day', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const link = new URL(linksIn((await t.mails())[0]?.text ?? '').find((l) => l.includes('/pyynto/vahvista/')) ?? '');
    const token = link.pathname.split('/').at(-1) ?? '';
    assert.equal((await postForm(t.app, '/api/requests/confirm', { token })).status, 303);
    for (const res of [await t.app.request(link.pathname), await postForm(t.app, '/api/requests/confirm', { token })]) {
      assert.equal(res.status, 200);
      const text = words(await res.text());
      assert.ok(text.startsWith('Pyyntö on jo vahvistettu\nPyyntösi TS-2026-00001 on jo vahvistettu 31.1.2026, eikä sitä tarvitse vahvistaa uudelleen.'), text);
      assert.ok(text.endsWith('Kerro viitenumero TS-2026-00001, niin löydämme pyyntösi nopeasti.'), text);
    }
  });
});
