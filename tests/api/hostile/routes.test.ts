/**
 * Every route of the app under generated hostile requests (fast-check). The routes are found by walking the
 * router, so a new route is covered without editing this test. For each: generated methods, content types,
 * charsets, bodies (JSON that is not an object, truncated JSON, broken multipart, repeated and unknown fields,
 * bytes that are not UTF-8), cookies, origins, paths and query strings. Nothing may answer 5xx, a refused
 * request stores nothing, and no input comes back unescaped in HTML. A failure prints the seed and path.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { HashQueue } from '../../../api/staff/hash-queue.ts';
import { testApp, storeText, type TestApp } from '../../fixtures/app.ts';
import { from } from '../../fixtures/post.ts';
import { addStaff, confirmedRequest, login } from '../../fixtures/staff.ts';

/** Once the test's staff member has logged in, every password is wrong, at no cost: the routes are tried here, not scrypt. */
class NoHashing extends HashQueue {
  off = false;
  override async run<T>(work: () => Promise<T>): Promise<T> {
    return this.off ? (false as T) : super.run(work);
  }
}
const hashes = new NoHashing();

/** Markup that must never come back as markup. */
const tag = '<x-zz onmouseover=1>';
const origin = 'http://localhost:4321';

let t: TestApp;
let cookie: string;
let reference: string;
before(async () => {
  t = await testApp({ hashes });
  await addStaff(t);
  cookie = await login(t);
  hashes.off = true;
  reference = await confirmedRequest(t);
});
after(() => t.close());

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.constantFrom(tag, `"${tag}`, '%', '%zz', '%E0%A4%A', '../..', '\u0000', '\u202e', 'ä'.repeat(300), '__proto__', 'constructor'),
);
const fieldName = fc.oneof(
  fc.constantFrom('type', 'name', 'email', 'relation', 'token', 'username', 'password', 'code', 'action', 'text', 'until', 'details', 'role', 'current', 'next', 'repeat', '__proto__'),
  fc.constantFrom('haku', 'sivu', 'jarjestys', 'tila', 'tyyppi', 'tekija', 'tapahtuma', 'vuosi', 'kuukausi'),
  fc.string({ maxLength: 10 }),
);
const json = fc.oneof(
  fc.constantFrom('null', '[]', '[{}]', '1', '"x"', 'true', '{', '{"a":', '', ' ', '{"__proto__":{"x":1}}', `{"type":"erasure","name":"${tag}"}`, '{"token":null}', '{"token":[]}'),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.dictionary(fieldName, fc.oneof(text, fc.integer(), fc.constant(null), fc.array(text, { maxLength: 2 }))).map((value) => JSON.stringify(value)),
);
const form = fc.array(fc.tuple(fieldName, text), { maxLength: 6 }).map((pairs) => new URLSearchParams(pairs).toString());
const multipart = fc.tuple(fc.string({ maxLength: 12 }), fc.array(fc.tuple(fieldName, text), { maxLength: 3 }), fc.boolean()).map(([boundary, parts, complete]) => ({
  type: `multipart/form-data; boundary=${boundary}`,
  body: parts.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') + (complete ? `--${boundary}--\r\n` : ''),
}));
const body = fc.oneof(
  json.map((b) => ({ type: 'application/json', body: b })),
  json.map((b) => ({ type: 'application/json; charset=latin1', body: b })),
  form.map((b) => ({ type: 'application/x-www-form-urlencoded', body: b })),
  form.map((b) => ({ type: 'application/x-www-form-urlencoded; charset=utf-16', body: b })),
  multipart,
  fc.tuple(fc.constantFrom('text/plain', 'application/xml', '', 'application/json;;', 'multipart/form-data', 'x/y; a="'), text).map(([type, b]) => ({ type, body: b })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ type: 'application/x-www-form-urlencoded', body: Buffer.from(bytes) })),
  fc.constant({ type: 'application/json', body: undefined as string | undefined }),
);
const otherMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND');
const cookieHeader = fc.oneof(fc.constant(undefined), fc.constant('__Host-istunto=x'), text.map((c) => `__Host-istunto=${encodeURIComponent(c)}`), text);
const originHeader = fc.oneof({ weight: 4, arbitrary: fc.constant(origin) }, fc.constant(undefined), fc.constantFrom('null', '', 'http://evil.example', `${origin}/`), text);
const param = fc.oneof(fc.constant('KEEP'), text.map((s) => encodeURIComponent(s)), fc.constantFrom('..', '%2e%2e', '%', '%zz', '%2F%2Fevil.example', ''));
const query = fc.oneof(fc.constant(''), fc.array(fc.tuple(fieldName, text), { maxLength: 3 }).map((pairs) => `?${new URLSearchParams(pairs)}`), fc.constantFrom('?%', '?a=%zz', '?tila=__proto__&sivu=-1&viite=%00', `?q=${encodeURIComponent(tag)}`, '?sivu=99999999999999999999', '?sivu=1e3&haku=%20', `?haku=${encodeURIComponent(tag)}&jarjestys=x`));

test('no generated request to any route answers 5xx, stores anything when refused, or reflects markup', async () => {
  // Each route with its own method (most cases use it, so they reach the handler), and paths no route has.
  const routes = t.app.routes.filter((r) => r.path !== '/*' && !r.path.endsWith('/*')).map((r) => ({ path: r.path, method: r.method === 'ALL' ? 'GET' : r.method }));
  assert.ok(routes.length >= 15, `only ${routes.length} routes found: ${routes.map((r) => r.path).join(' ')}`);
  const odd = ['//oikeudet', '/\\oikeudet', '/api/requests/', '/henkilosto/pyynnot/', '/_shell/', '/.env', '/%2e%2e/package.json'].map((path) => ({ path, method: 'GET' }));
  const target = fc.constantFrom(...routes, ...odd).chain((route) => fc.tuple(fc.constant(route.path), fc.oneof({ weight: 3, arbitrary: fc.constant(route.method) }, otherMethod)));
  const staffCookie = cookie;
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(
      target,
      param,
      query,
      body,
      fc.oneof(cookieHeader, fc.constant('STAFF')),
      originHeader,
      fc.constantFrom('application/json', 'text/html', '*/*', undefined),
      async ([route, verb], value, search, sent, jar, from_, accept) => {
        cases += 1;
        const path = route.replace(/:[a-z]+/gi, value === 'KEEP' ? reference : value).replace(/\*$/, value);
        const headers = new Headers();
        try {
          if (sent.type) headers.set('Content-Type', sent.type);
          if (from_ !== undefined) headers.set('Origin', from_);
          if (accept) headers.set('Accept', accept);
          const jarValue = jar === 'STAFF' ? staffCookie : jar;
          if (jarValue !== undefined) headers.set('Cookie', jarValue);
        } catch {
          // A header value no HTTP client can send (a control character): not a request that can arrive.
          return;
        }
        // Mail leaves in the background and marks its job sent: let it, so only this request can change the store.
        await t.postman.idle();
        const before = await storeText(t.dataDir);
        const init: RequestInit = { method: verb, headers };
        if (verb !== 'GET' && verb !== 'HEAD' && sent.body !== undefined) init.body = sent.body;
        let res: Response;
        try {
          // Each case from its own address: the rate limits are tested elsewhere, and would end the coverage here.
          res = await t.app.request(`${path}${search}`, init, from(`198.51.${(cases >> 8) & 255}.${cases & 255}`));
        } catch (error) {
          // The test's own URL or request could not be made: not a request a client could send.
          if (error instanceof TypeError && /URL|header|Request/i.test(error.message)) return;
          throw error;
        }
        const answer = await res.text();
        assert.ok(res.status < 500 || (res.status === 503 && res.headers.has('retry-after')), `${verb} ${path}${search} (${sent.type}) answered ${res.status}: ${answer.slice(0, 200)}`);
        await t.postman.idle();
        if (res.status >= 400) assert.equal(await storeText(t.dataDir), before, `${verb} ${path} was refused with ${res.status} but changed the store`);
        if ((res.headers.get('content-type') ?? '').includes('text/html')) assert.ok(!answer.includes('<x-zz'), `${verb} ${path}${search} reflected markup`);
      },
    ),
    { numRuns: 3000 },
  );
  assert.ok(cases >= 3000);
});

test('what a subject typed comes back escaped on every staff page', async () => {
  const typed = {
    type: 'rectification',
    name: `Maija ${tag}`,
    email: 'merkinta@example.fi',
    relation: 'organisation',
    organisation: `Koulu ${tag}`,
    username: `m${tag}`,
    wrong: `Väärin ${tag}`,
    correct: `Oikein "${tag}'`,
    details: `Lisätiedot ${tag}\n<script>alert(1)</script>`,
  };
  const marked = await confirmedRequest(t, typed);
  // The generated requests above may have logged the session out.
  hashes.off = false;
  cookie = await login(t, 'maija', '192.0.2.51');
  hashes.off = true;
  const pages = t.app.routes.filter((r) => r.method === 'GET' && r.path.startsWith('/henkilosto'));
  assert.ok(pages.length >= 6, `only ${pages.length} staff pages`);
  for (const { path } of pages) {
    const res = await t.app.request(path.replace(':reference', marked), { headers: { Cookie: cookie, Accept: 'text/html' } }, from('192.0.2.50'));
    assert.ok(res.status < 400, `${path} answered ${res.status}`);
    const page = await res.text();
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      assert.ok(!page.includes('<x-zz') && !page.includes('<script>alert'), `${path} shows what was typed as markup`);
    }
  }
  const detail = await (await t.app.request(`/henkilosto/pyynnot/${marked}`, { headers: { Cookie: cookie, Accept: 'text/html' } }, from('192.0.2.50'))).text();
  assert.ok(detail.includes('&lt;x-zz'), 'the typed text is not on the page at all, so this test proves nothing');
});
