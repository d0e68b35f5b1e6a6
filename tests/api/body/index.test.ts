/**
 * Reading a posted body: what each route takes, and how everything else is refused with a Finnish 4xx, never a
 * 5xx. First the module on a small app of its own, then every body-taking route of the real app.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodies, body, discardUnread, drainBytes, type BodyOptions } from '../../../api/body/index.ts';
import { errorHandler } from '../../../api/errors.ts';
import { messages } from '../../../api/messages.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { erasure, from } from '../../fixtures/post.ts';
import { addStaff, confirmedRequest, login, password } from '../../fixtures/staff.ts';

const origin = 'http://localhost:4321';
const encoder = new TextEncoder();

/** A body that is produced only as it is read, counting what was read: whether the server read it, and how far. */
function trickle(bytes: number, chunk = 16 * 1024) {
  const read = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (read.bytes >= bytes) return controller.close();
        const size = Math.min(chunk, bytes - read.bytes);
        read.bytes += size;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, read };
}

describe('the module', () => {
  /** A route that takes `options` and answers with what it read; refusals go through api/errors.ts. */
  function route(options: BodyOptions) {
    const app = new Hono();
    app.post('/', body(options), (c) => c.json({ ...c.var.body, prototype: Object.getPrototypeOf(c.var.body.fields) === null }));
    app.onError(errorHandler(async (c, page, status) => c.html(`<h1>${page.title}</h1>${String(page.main)}`, status ?? 200)));
    return (init: RequestInit & { type?: string }, path = '/') => {
      const headers = new Headers(init.headers);
      if (init.type !== undefined) headers.set('Content-Type', init.type);
      return app.request(path, { method: 'POST', ...init, headers, ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
    };
  }
  const both = route({ maxBytes: 1024, kinds: ['json', 'form'] });
  const formOnly = route({ maxBytes: 1024, kinds: ['form'], repeated: 'refuse' });
  const refusal = async (res: Response) => ((await res.json()) as { error: string }).error;

  test('takes JSON with any spelling of a UTF-8 charset, and gives its values as they are', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"', 'application/json;charset=utf8']) {
      const res = await both({ type, body: '{"name":"Mäki","age":42,"tags":["a"],"__proto__":{"admin":true}}' });
      assert.equal(res.status, 200, type);
      const read = (await res.json()) as { kind: string; fields: Record<string, unknown>; prototype: boolean };
      assert.equal(read.kind, 'json');
      assert.deepEqual({ ...read.fields }, { name: 'Mäki', age: 42, tags: ['a'], ['__proto__']: { admin: true } });
      assert.equal(read.prototype, true, 'the fields have a prototype');
    }
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  test('takes a form post as strings, with + and percent-escapes decoded', async () => {
    const res = await both({ type: 'application/x-www-form-urlencoded; charset=UTF-8', body: 'name=M%C3%A4ki+Maija&empty=&bare&plus=%2B' });
    assert.equal(res.status, 200);
    const read = (await res.json()) as { kind: string; fields: Record<string, unknown>; repeated: string[]; prototype: boolean };
    assert.deepEqual(read, { kind: 'form', fields: { name: 'Mäki Maija', empty: '', bare: '', plus: '+' }, repeated: [], prototype: true });
  });

  test('refuses another charset, another media type, multipart and no type at all with 415', async () => {
    const otherCharsets = ['application/json; charset=iso-8859-1', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded; charset=windows-1252'];
    for (const type of otherCharsets) {
      const res = await both({ type, body: '{}', headers: { Accept: 'application/json' } });
      assert.equal(res.status, 415, type);
      assert.equal(await refusal(res), messages.body.charset);
    }
    for (const type of ['text/plain', 'application/xml', 'application/vnd.api+json', 'multipart/form-data; boundary=x', 'constructor', '__proto__', '']) {
      const res = await both({ type, body: 'a=b', headers: { Accept: 'application/json' } });
      assert.equal(res.status, 415, type);
      assert.equal(await refusal(res), messages.status[415].text);
    }
    const noType = await both({ body: 'a=b', headers: { Accept: 'application/json' } });
    assert.equal(noType.status, 415, 'a body without a Content-Type');
    assert.equal((await formOnly({ type: 'application/json', body: '{}' })).status, 415, 'JSON to a form-only route');
  });

  test('refuses JSON that is not an object with a 400 that says so', async () => {
    for (const text of ['null', '[]', '[{"name":"x"}]', '42', '"name"', 'true', 'false']) {
      const res = await both({ type: 'application/json', body: text });
      assert.equal(res.status, 400, text);
      assert.equal(await refusal(res), messages.body.notAnObject);
    }
  });

  test('refuses empty, truncated and malformed JSON with a 400', async () => {
    for (const text of ['', ' ', '{', '{"name":', '{"name":"x"', '{name:"x"}', "{'name':'x'}", '{"a":1}{"b":2}', '\u0000', '['.repeat(1000)]) {
      const res = await both({ type: 'application/json', body: text });
      assert.equal(res.status, 400, JSON.stringify(text));
      assert.equal(await refusal(res), messages.status[400].text);
    }
  });

  test('refuses text that is not UTF-8 with a 400, raw or percent-escaped', async () => {
    const latin1 = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
    const cases: [string, BodyInit][] = [
      ['application/json', latin1('{"name":"M\u00e4ki"}')],
      ['application/x-www-form-urlencoded', latin1('name=M\u00e4ki')],
      ['application/x-www-form-urlencoded', 'name=M%E4ki'],
      ['application/x-www-form-urlencoded', 'name=%C3'],
      ['application/x-www-form-urlencoded', 'name=%zz'],
      ['application/x-www-form-urlencoded', '%ff=x'],
    ];
    for (const [type, text] of cases) {
      const res = await both({ type, body: text, headers: { Accept: 'application/json' } });
      assert.equal(res.status, 400, `${type} ${String(text)}`);
      assert.equal(await refusal(res), messages.body.invalidText);
    }
  });

  test('lists a repeated form field for the route, or refuses it with a 400 when the route says so', async () => {
    const reported = await both({ type: 'application/x-www-form-urlencoded', body: 'a=1&b=2&a=3&a=4' });
    assert.deepEqual(((await reported.json()) as { repeated: string[] }).repeated, ['a']);
    const refused = await formOnly({ type: 'application/x-www-form-urlencoded', body: 'a=1&a=2', headers: { Accept: 'application/json' } });
    assert.equal(refused.status, 400);
    assert.equal(await refusal(refused), messages.body.repeatedField);
  });

  test('reads a body by what arrives, not by what its Content-Length claims', async () => {
    const res = await both({ type: 'application/json', body: '{"a":1}', headers: { 'Content-Length': '999999999' } });
    assert.equal(res.status, 200);
  });

  test('a body over the limit is read to its end, then answered 413 with Connection: close, with or without a length', async () => {
    const withLength = await both({ type: 'application/json', body: JSON.stringify({ a: 'x'.repeat(2000) }) });
    assert.equal(withLength.status, 413);
    assert.equal(withLength.headers.get('connection'), 'close');
    assert.equal(await refusal(withLength), messages.status[413].text);
    const { stream, read } = trickle(300_000);
    const chunked = await both({ type: 'application/x-www-form-urlencoded', body: stream, headers: { 'Transfer-Encoding': 'chunked' } });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.headers.get('connection'), 'close');
    assert.match(chunked.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await chunked.text(), /<h1>Liian paljon tekstiä<\/h1>/);
    assert.equal(read.bytes, 300_000, 'the rest of the body was not read, so a sender would meet a closed socket');
    const atLimit = await both({ type: 'application/x-www-form-urlencoded', body: `a=${'x'.repeat(1022)}` });
    assert.equal(atLimit.status, 200, 'a body of exactly the limit');
  });

  test('a body past the drain bound is answered 413 as soon as the bound is reached', async () => {
    const { stream, read } = trickle(20 * drainBytes);
    const res = await both({ type: 'application/json', body: stream });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('connection'), 'close');
    assert.ok(read.bytes <= drainBytes + 32 * 1024, `read ${read.bytes} bytes`);
  });

  test('a truncated body (the sender stopped halfway) is a 400', async () => {
    let sent = false;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error('aborted'));
        sent = true;
        controller.enqueue(encoder.encode('{"name":'));
      },
    });
    assert.equal((await both({ type: 'application/json', body: broken })).status, 400);
  });
});

describe('an answer given before the body is read', () => {
  /** A 403 thrown to api/errors.ts, and a 404 returned past discardUnread (as a route that takes no body gives). */
  function refusing() {
    const app = new Hono();
    app.use(discardUnread());
    app.post('/403', () => {
      throw new HTTPException(403);
    });
    app.post('/404', (c) => c.text('Ei löytynyt', 404));
    app.onError(errorHandler(async (c, page, status) => c.html(String(page.main), status ?? 200)));
    return app;
  }

  for (const status of [403, 404]) {
    test(`(a ${status}) reads the body to its end first, so a client still sending gets it and keeps its connection`, async () => {
      const { stream, read } = trickle(300_000);
      const res = await refusing().request(`/${status}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
      assert.equal(res.status, status);
      assert.equal(read.bytes, 300_000);
      assert.equal(res.headers.get('connection'), null);
    });

    test(`(a ${status}) past the drain bound stops reading and says Connection: close`, async () => {
      const { stream, read } = trickle(20 * drainBytes);
      const res = await refusing().request(`/${status}`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
      assert.equal(res.status, status);
      assert.equal(res.headers.get('connection'), 'close');
      assert.ok(read.bytes <= drainBytes + 32 * 1024, `read ${read.bytes} bytes`);
    });
  }
});

describe('the routes that take a body', () => {
  let t: TestApp;
  let cookie: string;
  let reference: string;
  let before: string;
  let mailsBefore: number;
  let address = 0;
  beforeEach(async () => {
    t = await testApp();
    await addStaff(t);
    cookie = await login(t);
    reference = await confirmedRequest(t);
    await t.postman.idle();
    before = await t.storeText();
    mailsBefore = (await t.mails()).length;
  });
  afterEach(() => t.close());

  /** Each route and its limit; the staff action is posted with a session. */
  const routes = () => [
    { name: 'the request form', path: '/api/requests', limit: bodies.publicPost.maxBytes, json: true },
    { name: 'the confirmation', path: '/api/requests/confirm', limit: bodies.publicPost.maxBytes, json: true },
    { name: 'the staff log-in', path: '/henkilosto/kirjaudu', limit: bodies.staffLogIn.maxBytes, json: false },
    { name: 'a staff action', path: `/henkilosto/pyynnot/${reference}`, limit: bodies.staffAction.maxBytes, json: false, staff: true },
  ];

  /** Posts from a new address each time, so that no rate limit answers before the body is read. */
  function post(path: string, type: string | undefined, payload: BodyInit | null, headers: Record<string, string> = {}, staff = false) {
    const all = new Headers({ Origin: origin, Accept: 'text/html', ...headers });
    if (type !== undefined) all.set('Content-Type', type);
    if (staff) all.set('Cookie', cookie);
    address += 1;
    const init = { method: 'POST', headers: all, body: payload, ...(payload instanceof ReadableStream ? { duplex: 'half' } : {}) };
    return t.app.request(path, init as RequestInit, from(`198.51.${address >> 8}.${address & 255}`));
  }

  async function nothingStoredOrMailed(): Promise<void> {
    await t.postman.idle();
    assert.equal(await t.storeText(), before, 'the store changed');
    assert.equal((await t.mails()).length, mailsBefore, 'a mail was sent');
  }

  test('the JSON null posted to the confirmation is a 400, not a 500', async () => {
    const res = await post('/api/requests/confirm', 'application/json', 'null', { Accept: 'application/json' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, messages.body.notAnObject);
    await nothingStoredOrMailed();
  });

  test('a broken multipart body is a 415 at the staff log-in and at the public form, not a 500', async () => {
    const broken = '--zz\r\nContent-Disposition: form-data; name="username"\r\n\r\nmaija\r\n--zz\r\nContent-Disposition: form-data; name="pass';
    for (const path of ['/henkilosto/kirjaudu', '/api/requests', '/api/requests/confirm']) {
      for (const type of ['multipart/form-data; boundary=zz', 'multipart/form-data', 'multipart/form-data; boundary=']) {
        const res = await post(path, type, broken);
        assert.equal(res.status, 415, `${path} ${type}`);
        assert.match(await res.text(), /<h1>Väärä lähetysmuoto<\/h1>/);
      }
    }
    await nothingStoredOrMailed();
  });

  test('the staff forms take only form posts, and refuse a repeated field even with the right password', async () => {
    for (const { path, staff } of routes().filter((r) => !r.json)) {
      assert.equal((await post(path, 'application/json', JSON.stringify({ username: 'maija', password }), {}, staff)).status, 415, path);
    }
    const twice = new URLSearchParams([['username', 'maija'], ['password', 'väärä'], ['password', password]]).toString();
    const res = await post('/henkilosto/kirjaudu', 'application/x-www-form-urlencoded', twice);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /sama kenttä useammin kuin kerran/);
    assert.equal(res.headers.get('set-cookie'), null, 'logged in');
    const action = new URLSearchParams([['action', 'note'], ['text', 'a'], ['text', 'b']]).toString();
    assert.equal((await post(`/henkilosto/pyynnot/${reference}`, 'application/x-www-form-urlencoded', action, {}, true)).status, 400);
    await nothingStoredOrMailed();
  });

  test('a body over its route\'s limit is 413 in Finnish, as JSON or as a page, with Connection: close', async () => {
    for (const { name, path, limit, json, staff } of routes()) {
      const page = await post(path, 'application/x-www-form-urlencoded', `a=${'x'.repeat(limit)}`, {}, staff);
      assert.equal(page.status, 413, name);
      assert.equal(page.headers.get('connection'), 'close', name);
      assert.match(await page.text(), /<h1>Liian paljon tekstiä<\/h1>/, name);
      const { stream } = trickle(limit + 1);
      const type = json ? 'application/json' : 'application/x-www-form-urlencoded';
      const chunked = await post(path, type, stream, { 'Transfer-Encoding': 'chunked', Accept: '*/*' }, staff);
      assert.equal(chunked.status, 413, `${name}, chunked`);
      assert.equal(chunked.headers.get('connection'), 'close', `${name}, chunked`);
      if (json) assert.equal(((await chunked.json()) as { error: string }).error, messages.status[413].text, name);
    }
    await nothingStoredOrMailed();
  });

  test('a staff log-in of the longest name and password the form allows fits its limit', async () => {
    const longest = new URLSearchParams({ username: '€'.repeat(64), password: '€'.repeat(256) }).toString();
    const res = await post('/henkilosto/kirjaudu', 'application/x-www-form-urlencoded', longest);
    assert.notEqual(res.status, 413);
    assert.ok(res.status < 500);
  });

  test('no route answers 5xx to a hostile body, whatever its method, client or session', async () => {
    const hostile: [string | undefined, BodyInit | null][] = [
      ['application/json', 'null'],
      ['application/json', '[1,2]'],
      ['application/json', '7'],
      ['application/json', '"x"'],
      ['application/json', '{"type":'],
      ['application/json', ''],
      ['application/json; charset=latin1', '{}'],
      ['application/json', JSON.stringify({ ...erasure, token: ['a'], action: { note: 1 }, username: 5, password: null })],
      ['application/x-www-form-urlencoded', 'a=%zz&b=%ff'],
      ['application/x-www-form-urlencoded', 'token=a&token=b&action=note&action=decide&username=x&username=y'],
      ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb'],
      ['text/plain', 'hello'],
      [undefined, new Uint8Array([0xff, 0xfe, 0x00])],
      ['application/json', new Uint8Array([0x7b, 0xff, 0x7d])],
    ];
    // Log-out is left out: it would end the session the walk posts with.
    const paths = [...new Set(t.app.routes.map((r) => r.path))]
      .filter((p) => !p.includes('*') && p !== '/henkilosto/ulos')
      .map((p) => p.replace(':reference', reference));
    const seen: string[] = [];
    for (const path of [...paths, '/api/nothing', '/henkilosto/nothing']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const [type, payload] of hostile) {
          for (const [accept, staff] of [['application/json', false], ['text/html', true]] as const) {
            const headers = new Headers({ Origin: origin, Accept: accept });
            if (type !== undefined) headers.set('Content-Type', type);
            if (staff) headers.set('Cookie', cookie);
            address += 1;
            const res = await t.app.request(path, { method, headers, body: payload }, from(`203.0.${address >> 8}.${address & 255}`));
            assert.ok(res.status < 500, `${method} ${path} ${type} ${String(payload)}: ${res.status}`);
            seen.push(`${res.status}`);
          }
        }
      }
    }
    assert.ok(seen.length > 500, `only ${seen.length} requests`);
    await nothingStoredOrMailed();
  });
});
