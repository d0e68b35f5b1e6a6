/**
 * The one way errors leave the server. An HTTPException below 500 (403, 413, 429 …) becomes a Finnish message, as
 * JSON for the form script and API clients or as a page in the shell for a browser; so does a URIError, which
 * only a client's broken percent-escape causes. A store that cannot write now (a full disk, a read-only file
 * system) is a 503 with Retry-After: nothing was stored. Anything else is the server's own fault: a 500 with an
 * id; the log gets the same id and the stack frames but not the error's message, which may quote personal data.
 */
import type { Context, ErrorHandler } from 'hono';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ClientErrorStatusCode, ContentfulStatusCode } from 'hono/utils/http-status';
import { discardBody, Refusal } from './body/index.ts';
import { messages, type KnownStatus } from './messages.ts';
import type { Shell } from './shell/index.ts';
import { StoreUnavailableError } from './store/store.ts';

/** Whether the client reads JSON: the form script and API clients send and accept it, browsers do not. */
export function wantsJson(c: Context): boolean {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  return type.startsWith('application/json') || (accept.includes('application/json') && !accept.includes('text/html'));
}

/** Headers of an HTTPException's response that its Finnish answer keeps (`Connection: close` after a 413). */
const keptHeaders = ['Retry-After', 'Connection'];

/** Seconds a client is asked to wait after a 503. */
const retryAfterSeconds = 60;

export function errorHandler(shell: Shell): ErrorHandler {
  return async (err, c) => {
    // A refusal that came before the body was read (a 403, a 429) still reaches a client that is sending it.
    if (!(await discardBody(c))) c.header('Connection', 'close');
    if (err instanceof StoreUnavailableError) {
      c.header('Retry-After', String(retryAfterSeconds));
      const { title, text } = messages.status[503];
      return answer(c, shell, 503, title, text);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const status = err.status as ClientErrorStatusCode;
      const { title, text } = status in messages.status ? messages.status[status as KnownStatus] : messages.refused;
      for (const name of keptHeaders) {
        const value = err.res?.headers.get(name);
        if (value) c.header(name, value);
      }
      return answer(c, shell, status, title, err instanceof Refusal && err.text ? err.text : text);
    }
    if (err instanceof URIError) {
      const { title, text } = messages.status[400];
      return answer(c, shell, 400, title, text);
    }
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
