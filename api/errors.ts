/**
 * The one way errors leave the server. An HTTPException (403, 413, 429 …) becomes a Finnish message, as
 * JSON for the form script and API clients or as a page in the shell for a browser. A store that cannot write
 * now (a full disk, a read-only file system) is a 503 with Retry-After: nothing was stored. Anything unexpected gets
 * a 500 with an id; the log gets the same id and the stack frames but not the error's message, which may
 * quote personal data.
 */
import type { Context, ErrorHandler } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { messages, type KnownStatus } from './messages.ts';
import type { Shell } from './shell/index.ts';
import { StoreUnavailableError } from './store/store.ts';

/** Whether the client reads JSON: the form script and API clients send and accept it, browsers do not. */
export function wantsJson(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  const accept = c.req.header('accept') ?? '';
  return type.startsWith('application/json') || (accept.includes('application/json') && !accept.includes('text/html'));
}

/** Seconds a client is asked to wait after a 503. */
const retryAfterSeconds = 60;

export function errorHandler(shell: Shell): ErrorHandler {
  return async (err, c) => {
    if (err instanceof StoreUnavailableError) {
      c.header('Retry-After', String(retryAfterSeconds));
      const { title, text } = messages.status[503];
      return answer(c, shell, 503, title, text);
    }
    if (err instanceof HTTPException && err.status in messages.status) {
      const status = err.status as KnownStatus;
      const { title, text } = messages.status[status];
      const retryAfter = err.res?.headers.get('retry-after');
      if (retryAfter) c.header('Retry-After', retryAfter);
      return answer(c, shell, status, title, text);
    }
    if (err instanceof HTTPException && err.status < 500) return err.getResponse();
    const id = crypto.randomUUID().slice(0, 8);
    const frames = err.stack?.split('\n').slice(1).join('\n') ?? '';
    console.error(`error ${id}: ${err.name}\n${frames}`);
    return answer(c, shell, 500, 'Virhe', messages.serverError(id));
  };
}

function answer(c: Context, shell: Shell, status: ContentfulStatusCode, title: string, text: string): Promise<Response> | Response {
  c.header('Cache-Control', 'no-store');
  if (wantsJson(c)) return c.json({ error: text }, status);
  return shell(c, { title, main: html`<h1>${title}</h1><p>${text}</p><p><a href="/">${messages.backToSite}</a></p>` }, status);
}
