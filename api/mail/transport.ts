/**
 * Sends a plain-text mail: over SMTP when a server is set, otherwise as an .eml file in the outbox, for
 * development. A mail with `replyTo` is answered there (Reply-To) rather than to MAIL_FROM. Logs never carry
 * the recipient, the subject or the text: only the file name and the links. SMTP to another machine is always
 * over verified TLS (see transportOptions).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { SettingsError } from '../settings.ts';

/** `replyTo`: where answers go (the controller's contact address); unset, to the sender. */
export type Mail = { to: string; subject: string; text: string; replyTo?: string };
export type Mailer = { send(mail: Mail): Promise<void>; close(): void };

export type MailerOptions = {
  /** smtp:// or smtps://, with any credentials in the URL; unset writes to the outbox instead. */
  smtpUrl?: string | undefined;
  outboxDir: string;
  from: string;
  log?: (line: string) => void;
};

/** Bounds every SMTP phase, so a hung server fails the send (and the job is retried) instead of hanging it. */
const smtpTimeoutMs = 10_000;

export function createMailer({ smtpUrl, outboxDir, from, log = console.log }: MailerOptions): Mailer {
  const message = (mail: Mail) => ({
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    headers: { 'Auto-Submitted': 'auto-generated' },
  });

  if (smtpUrl) {
    const transport = createTransport({
      ...transportOptions(smtpUrl),
      // Connections are kept and reused: a new one per mail costs a handshake (and TLS) each time.
      pool: true,
      maxConnections: 2,
      connectionTimeout: smtpTimeoutMs,
      greetingTimeout: smtpTimeoutMs,
      socketTimeout: smtpTimeoutMs,
    });
    return {
      async send(mail) {
        await transport.sendMail(message(mail));
      },
      close: () => transport.close(),
    };
  }

  const render = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await render.sendMail(message(mail));
      if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer did not render the message to a buffer');
      const file = await writeAtomically(outboxDir, info.message);
      log(['mail:', `outbox/${file}`, ...linksIn(mail.text)].join(' '));
    },
    close: () => render.close(),
  };
}

/** Hosts whose SMTP traffic never leaves this machine, so a network in between cannot strip STARTTLS. */
const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The connection SMTP_URL names, with TLS enforced: `smtps://` is TLS from the first byte (port 465 unless
 * given); `smtp://` to another machine must upgrade with STARTTLS (port 587 unless given) or the send fails
 * before the password is sent, so a network that strips STARTTLS gets nothing; `smtp://` to this machine may
 * stay plain (STARTTLS is still used when offered). Certificates are always verified. Built from the URL's
 * parts rather than handed to nodemailer as `url`, whose query options (`?requireTLS=false`,
 * `?tls.rejectUnauthorized=false`) would override these, so a query is refused.
 */
export function transportOptions(smtpUrl: string) {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new SettingsError('Invalid settings: SMTP_URL must start with smtp:// or smtps://');
  if (url.search || url.hash || !['', '/'].includes(url.pathname)) {
    throw new SettingsError('Invalid settings: SMTP_URL takes no path or options: smtps://user:password@host:465 or smtp://user:password@host:587');
  }
  const implicitTls = url.protocol === 'smtps:';
  // smtp: is not a special scheme to the URL parser, so it leaves the host's case as written.
  const hostname = url.hostname.toLowerCase();
  return {
    host: hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    requireTLS: !implicitTls && !localHosts.has(hostname),
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' as const },
    ...(url.username || url.password ? { auth: { user: decoded(url.username), pass: decoded(url.password) } } : {}),
  };
}

/** The URL keeps the credentials percent-encoded; a lone `%` in them is a mistake worth naming. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new SettingsError('Invalid settings: SMTP_URL: write a % in the user name or password as %25');
  }
}

/** Writes a temp file and renames it into place, so a reader of the outbox never sees half a message. */
async function writeAtomically(dir: string, content: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = `${new Date().toISOString().replaceAll(':', '-')}-${randomBytes(4).toString('hex')}.eml`;
  const temp = join(dir, `.${file}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, file));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return file;
}

/** Trailing punctuation belongs to the sentence around a link, not to the link. */
function linksIn(text: string): string[] {
  return (text.match(/https?:\/\/[^\s<>"]+/g) ?? []).map((link) => link.replace(/[.,;:!?)]+$/, ''));
}
