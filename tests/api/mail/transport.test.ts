import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { createMailer, type Mail } from '../../../api/mail/transport.ts';
import { linksIn, readOutbox } from '../../fixtures/outbox.ts';
import { startSmtpServer } from '../../fixtures/smtp.ts';

const from = 'Opinaika tietosuoja <tietosuoja@alfasoft.fi>';
const link = 'https://tietosuoja.example.fi/pyynto/vahvista/Zx9_kQ-3vT8mYbL2pWnR4sJ7dHfA1cE6uGiO0tKyXqM';
const mail: Mail = {
  to: 'matti.meikalainen@example.fi',
  subject: 'Vahvista tietosuojapyyntösi',
  text: `Hei,\n\nvahvista pyyntö avaamalla linkki:\n\n${link}\n\nLinkki on voimassa 7 päivää. Jos et tehnyt pyyntöä, voit jättää tämän viestin huomiotta.\n\nYstävällisin terveisin\nAlfasoft Oy, Opinaika`,
};

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tietosuoja-mail-'));
});
after(() => rm(root, { recursive: true, force: true }));

/** A local port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('sending mail', () => {
  test('delivers over real SMTP', async () => {
    const smtp = await startSmtpServer();
    const outboxDir = join(root, 'smtp-outbox');
    const mailer = createMailer({ smtpUrl: smtp.url, outboxDir, from, log: () => assert.fail('nothing to log') });
    try {
      await mailer.send(mail);
      assert.equal(smtp.received.length, 1);
      const [received] = smtp.received;
      assert.deepEqual(received, { file: '', ...mail });
      assert.deepEqual(linksIn(received?.text ?? ''), [link]);
      assert.deepEqual(await readOutbox(outboxDir), []);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  test('writes an .eml to the outbox when no SMTP server is set', async () => {
    const outboxDir = join(root, 'outbox');
    const logged: string[] = [];
    const mailer = createMailer({ outboxDir, from, log: (line) => logged.push(line) });
    await mailer.send(mail);
    mailer.close();

    const [received, ...others] = await readOutbox(outboxDir);
    assert.ok(received);
    assert.equal(others.length, 0);
    assert.match(received.file, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f]+\.eml$/);
    assert.deepEqual(received, { file: received.file, ...mail });
    assert.equal((await stat(join(outboxDir, received.file))).mode & 0o777, 0o600);
    assert.equal((await stat(outboxDir)).mode & 0o777, 0o700);

    assert.equal(logged.length, 1);
    const [line = ''] = logged;
    assert.ok(line.startsWith(`mail: outbox/${received.file}`), line);
    assert.ok(line.includes(link), line);
    assert.ok(!line.includes(mail.to) && !line.includes('matti'), line);
    assert.ok(!line.includes(mail.subject), line);
    assert.ok(!line.includes('Hei'), line);
  });

  test('a mail with replyTo is answered there (Reply-To); one without has no Reply-To', async () => {
    const outboxDir = join(root, 'reply-outbox');
    const mailer = createMailer({ outboxDir, from, log: () => {} });
    await mailer.send({ ...mail, replyTo: 'info@example.fi' });
    await mailer.send({ ...mail, to: 'toinen@example.fi' });
    mailer.close();
    const replyTos = await Promise.all(
      (await readOutbox(outboxDir)).map(async (received) => {
        const parsed = await simpleParser(await readFile(join(outboxDir, received.file)));
        return [received.to, parsed.replyTo?.value.map((address) => address.address).join()];
      }),
    );
    assert.deepEqual(replyTos.sort(), [['matti.meikalainen@example.fi', 'info@example.fi'], ['toinen@example.fi', undefined]]);
  });

  test('rejects when the SMTP server cannot be reached, so the caller can retry', async () => {
    const outboxDir = join(root, 'unreachable-outbox');
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, outboxDir, from, log: () => {} });
    await assert.rejects(mailer.send(mail), /ECONNREFUSED/);
    mailer.close();
    assert.deepEqual(await readOutbox(outboxDir), []);
  });

  test('a reader never sees half a message', async () => {
    const outboxDir = join(root, 'busy-outbox');
    const mailer = createMailer({ outboxDir, from, log: () => {} });
    const count = 5;
    const long = { ...mail, text: `${mail.text}\n\n${'Tämä rivi täyttää viestiä. '.repeat(30_000)}loppu` };
    let sending = true;
    const sends = Promise.all(Array.from({ length: count }, () => mailer.send(long))).finally(() => (sending = false));
    // Reads while the mails are being written: every .eml seen must already be whole.
    while (sending) {
      for (const received of await readOutbox(outboxDir)) assert.ok(received.text.endsWith('loppu'), received.file);
    }
    await sends;
    mailer.close();

    const names = await readdir(outboxDir);
    assert.equal(names.length, count);
    assert.ok(names.every((name) => name.endsWith('.eml')), names.join(', '));
    const mails = await readOutbox(outboxDir);
    assert.equal(mails.length, count);
    assert.ok(mails.every((received) => received.text === long.text && received.to === mail.to));
  });
});
