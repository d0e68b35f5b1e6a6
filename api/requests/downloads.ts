/**
 * The subject downloads the files of an answer from the status page: `/pyynto/tila/<token>/tiedostot/<id>`,
 * while the status link works and until the file expires (DOWNLOAD_DAYS after the answer). The file leaves as an
 * attachment that no browser renders or sniffs, under a name that can do no harm whatever staff called it, and
 * each download is an audit line with the request's reference only. Expired files are deleted from disk by
 * `expireFiles`, which the server runs with its other maintenance; the status page then says when they went.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { AuditLog } from '../audit/index.ts';
import type { FileStore, StoredFile } from '../files/index.ts';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import { requests } from './collections.ts';
import { findByStatusToken } from './intake.ts';
import { messages } from '../messages.ts';
import { downloads as t, formatMoment } from './messages.ts';
import type { RequestRecord } from './record.ts';
import { isTokenShaped } from './tokens.ts';

export type DownloadOptions = { store: Store; files: FileStore; audit: AuditLog; shell: Shell; now: () => Date };

export function downloadRoutes({ store, files, audit, shell, now }: DownloadOptions): Hono {
  const app = new Hono();
  app.get('/tila/:token/tiedostot/:id', async (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    const token = c.req.param('token');
    const record = isTokenShaped(token) ? findByStatusToken(store.view(requests), token) : undefined;
    if (!record) return gone(c, shell, 404, t.unknownLink);
    const file = record.files?.find((f) => f.id === c.req.param('id'));
    if (!file) return gone(c, shell, 404, t.unknownFile);
    if (file.deletedAt || Date.parse(file.expiresAt) <= now().getTime()) return gone(c, shell, 410, t.expired(formatMoment(file.expiresAt)));
    let bytes: Buffer;
    try {
      bytes = await files.read(file);
    } catch {
      // Deleted meanwhile, or damaged: never half a file.
      return gone(c, shell, 410, t.unavailable);
    }
    await audit.append({ actor: 'rekisteröity', action: 'download', id: record.reference }, now());
    return new Response(new Uint8Array(bytes), {
      headers: {
        'Content-Type': mediaTypeOf(file),
        'Content-Disposition': attachment(file.name),
        'Content-Length': String(bytes.length),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Referrer-Policy': 'no-referrer',
      },
    });
  });
  return app;
}

function gone(c: Context, shell: Shell, status: 404 | 410, text: string) {
  return shell(c, { title: t.title, main: html`<h1>${t.title}</h1><p>${text}</p><p><a href="/">${messages.backToSite}</a></p>` }, status);
}

/** Text kinds say their charset, so a browser never guesses one. */
function mediaTypeOf(file: StoredFile): string {
  return file.kind === 'json' || file.kind === 'csv' || file.kind === 'text' ? `${file.mediaType}; charset=utf-8` : file.mediaType;
}

/**
 * `attachment` with an ASCII fallback name (anything else becomes _) and the real name in RFC 5987 form: a quote,
 * a slash, a line break or a right-to-left mark in the given name can neither end the header nor change the file
 * name's meaning.
 */
export function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]/g, '_').replace(/^[. ]+/, '').slice(0, 100) || 'tiedosto';
  // Also what no file system takes in a name: a quote, a colon, an asterisk and the like.
  const encoded = encodeURIComponent(name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\"<>:|?*]/g, '_')).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The answer files whose time is over, still on disk. */
export function expiredFiles(records: Iterable<RequestRecord>, now: Date): { record: RequestRecord; file: StoredFile }[] {
  const due: { record: RequestRecord; file: StoredFile }[] = [];
  for (const record of records) {
    for (const file of record.files ?? []) if (!file.deletedAt && Date.parse(file.expiresAt) <= now.getTime()) due.push({ record, file });
  }
  return due;
}

/** Deletes expired answer files from disk, then marks them deleted on their requests. Returns how many went. */
export async function expireFiles(store: Store, files: FileStore, now: Date): Promise<number> {
  const due = expiredFiles(store.view(requests).group('withFiles', 'yes'), now);
  if (due.length === 0) return 0;
  for (const { file } of due) await files.delete(file.id);
  const at = now.toISOString();
  await store.update((tx) => {
    const table = tx.table(requests);
    for (const { record } of due) {
      table.change(record.id, (draft) => {
        for (const file of draft.files ?? []) if (due.some((d) => d.file.id === file.id)) file.deletedAt = at;
      });
    }
  });
  return due.length;
}
