/**
 * SMTP_URL's TLS rule, against real SMTP servers: mail to another machine goes over verified TLS or not at
 * all, so a network that strips STARTTLS never sees the SMTP password. 127.0.0.2 stands for another machine:
 * it reaches this one, but only localhost, 127.0.0.1 and ::1 count as the local machine.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createMailer, transportOptions, type Mail } from '../../../api/mail/transport.ts';
import { SettingsError } from '../../../api/settings.ts';

const from = 'Opinaika tietosuoja <tietosuoja@alfasoft.fi>';
const mail: Mail = { to: 'matti.meikalainen@example.fi', subject: 'Vahvista tietosuojapyyntösi', text: 'Hei,\n\nvahvista pyyntö.' };
const password = 'salaisuus-ei-saa-vuotaa';

let outboxDir: string;
before(async () => {
  outboxDir = await mkdtemp(join(tmpdir(), 'tietosuoja-tls-'));
});
after(() => rm(outboxDir, { recursive: true, force: true }));

type Listening = { port: number; logins: string[]; mails: number; close(): Promise<void> };

/**
 * A server that takes any log-in, even in plain text, so a password the client sends is seen here. With
 * `starttls` it offers STARTTLS with smtp-server's own self-signed certificate, which no client may trust.
 */
async function listen(host: string, { starttls }: { starttls: boolean }): Promise<Listening> {
  const state = { logins: [] as string[], mails: 0 };
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    ...(starttls ? {} : { disabledCommands: ['STARTTLS'] }),
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      state.logins.push(`${auth.username}:${auth.password}`);
      callback(null, { user: auth.username });
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        state.mails += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    logins: state.logins,
    get mails() {
      return state.mails;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function sendVia(smtpUrl: string): Promise<unknown> {
  const mailer = createMailer({ smtpUrl, outboxDir, from, log: () => {} });
  try {
    await mailer.send(mail);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    mailer.close();
  }
}

describe('SMTP_URL', () => {
  test('smtp:// to another machine requires STARTTLS, smtps:// is TLS from the start, smtp:// to this machine may be plain', () => {
    const cases: [string, { secure: boolean; requireTLS: boolean; port: number; host: string }][] = [
      ['smtp://posti:salaisuus@mail.example.fi:587', { secure: false, requireTLS: true, port: 587, host: 'mail.example.fi' }],
      ['smtp://mail.example.fi', { secure: false, requireTLS: true, port: 587, host: 'mail.example.fi' }],
      ['smtp://127.0.0.2:25', { secure: false, requireTLS: true, port: 25, host: '127.0.0.2' }],
      ['smtps://posti:salaisuus@mail.example.fi', { secure: true, requireTLS: false, port: 465, host: 'mail.example.fi' }],
      ['smtp://localhost:25', { secure: false, requireTLS: false, port: 25, host: 'localhost' }],
      ['smtp://LocalHost:25', { secure: false, requireTLS: false, port: 25, host: 'localhost' }],
      ['smtp://127.0.0.1:2525', { secure: false, requireTLS: false, port: 2525, host: '127.0.0.1' }],
      ['smtp://[::1]:25', { secure: false, requireTLS: false, port: 25, host: '::1' }],
    ];
    for (const [url, expected] of cases) {
      const options = transportOptions(url);
      assert.deepEqual({ secure: options.secure, requireTLS: options.requireTLS, port: options.port, host: options.host }, expected, url);
      assert.equal(options.tls.rejectUnauthorized, true, url);
    }
  });

  test('reads the credentials as written, percent-escapes decoded', () => {
    assert.deepEqual(transportOptions('smtp://posti%40alfasoft.fi:p%25ss%3Aword@mail.example.fi').auth, { user: 'posti@alfasoft.fi', pass: 'p%ss:word' });
    assert.equal('auth' in transportOptions('smtp://mail.example.fi'), false);
  });

  test('refuses, as a bad setting, options after ? that could turn TLS or certificate checks off, without showing the password', () => {
    for (const url of [
      `smtp://posti:${password}@mail.example.fi:587?requireTLS=false`,
      `smtp://posti:${password}@mail.example.fi:587?ignoreTLS=true`,
      `smtps://posti:${password}@mail.example.fi?tls.rejectUnauthorized=false`,
      `smtp://posti:${password}@mail.example.fi/extra`,
    ]) {
      assert.throws(
        () => transportOptions(url),
        (error) => error instanceof SettingsError && error.message.includes('SMTP_URL') && !error.message.includes(password),
        url,
      );
    }
  });

  test('a server on another machine that offers no STARTTLS gets neither the mail nor the password', async () => {
    const server = await listen('127.0.0.2', { starttls: false });
    try {
      const error = await sendVia(`smtp://posti:${password}@127.0.0.2:${server.port}`);
      assert.ok(error instanceof Error, 'the send must fail');
      assert.deepEqual(server.logins, []);
      assert.equal(server.mails, 0);
    } finally {
      await server.close();
    }
  });

  test('a server on another machine whose certificate cannot be verified gets neither the mail nor the password', async () => {
    const server = await listen('127.0.0.2', { starttls: true });
    try {
      const error = await sendVia(`smtp://posti:${password}@127.0.0.2:${server.port}`);
      assert.ok(error instanceof Error, 'the send must fail');
      assert.match(error.message, /certificate/i);
      assert.deepEqual(server.logins, []);
      assert.equal(server.mails, 0);
    } finally {
      await server.close();
    }
  });

  test('a server on this machine (127.0.0.1) without TLS still gets the mail, logged in', async () => {
    const server = await listen('127.0.0.1', { starttls: false });
    try {
      assert.equal(await sendVia(`smtp://posti:${password}@127.0.0.1:${server.port}`), undefined);
      assert.deepEqual(server.logins, [`posti:${password}`]);
      assert.equal(server.mails, 1);
    } finally {
      await server.close();
    }
  });
});
