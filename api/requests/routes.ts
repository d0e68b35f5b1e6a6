/**
 * The public API of the intake: `POST /api/requests` (JSON → 201 with the reference, form → 303 to the receipt;
 * invalid → 422, a form post getting its form back) and `POST /api/requests/confirm` (→ 303 to the status page).
 * Nothing is stored unless all is valid.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { bodies, body } from '../body/index.ts';
import type { Postman } from '../mail/postman.ts';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import { requests } from './collections.ts';
import { failedFormPage, receiptAddress } from './form-pages.ts';
import { confirm, findByConfirmToken, receive } from './intake.ts';
import { errors, fieldLabels } from './messages.ts';
import { alreadyConfirmedPage, linkGonePage } from './pages.ts';
import { readPhone } from './phone.ts';
import { validateRequest, type FieldErrors } from './schema.ts';
import { isTokenShaped, newToken } from './tokens.ts';

export type RequestRoutesOptions = {
  store: Store;
  postman: Postman;
  shell: Shell;
  now: () => Date;
  /** The site's own origin (PUBLIC_URL): the only one allowed to post. */
  origin: string;
  /** Rate limits of the two posts. */
  limits: { submit: MiddlewareHandler; confirm: MiddlewareHandler };
};

export function requestRoutes({ store, postman, shell, now, origin, limits }: RequestRoutesOptions): Hono {
  const app = new Hono();
  // Hono's csrf guards form posts. A JSON post cannot come cross-site without a CORS preflight we never
  // grant, but one that names another origin is refused all the same. (A page with no-referrer posts
  // "Origin: null"; its Sec-Fetch-Site still says same-origin.)
  const sameOrigin: MiddlewareHandler = async (c, next) => {
    const from = c.req.header('origin');
    const sameSite = c.req.header('sec-fetch-site') === 'same-origin';
    if (from !== undefined && from !== origin && !sameSite) throw new HTTPException(403);
    await next();
  };

  app.use(csrf({ origin }), sameOrigin);

  app.post('/requests', limits.submit, body(bodies.publicPost), async (c) => {
    const posted = c.var.body;
    const result = posted.repeated.length > 0 ? { ok: false as const, errors: repeatedErrors(posted.repeated) } : validateRequest(posted.fields, readPhone);
    if (!result.ok) {
      c.header('Cache-Control', 'no-store');
      return posted.kind === 'json' ? c.json({ errors: result.errors }, 422) : failedFormPage(c, shell, result.errors, posted.fields);
    }
    const token = newToken();
    const input = result.value;
    const { record, jobId } = await store.update((tx) => receive(tx, input, now(), token));
    if (jobId) postman.send(jobId, token);
    if (posted.kind === 'json') return c.json({ reference: record.reference }, 201);
    return c.redirect(receiptAddress(input, record.reference), 303);
  });

  app.post('/requests/confirm', limits.confirm, body(bodies.publicPost), async (c) => {
    const posted = c.var.body;
    const token = posted.repeated.length > 0 ? undefined : posted.fields.token;
    const time = now();
    const record = isTokenShaped(token) ? findByConfirmToken(store.view(requests), token, time) : undefined;
    if (!isTokenShaped(token) || !record) return linkGonePage(c, shell);
    if (record.confirmedAt) return alreadyConfirmedPage(c, shell, record);
    const statusToken = newToken();
    const confirmation = await store.update((tx) => confirm(tx, token, time, statusToken));
    if (confirmation.outcome !== 'confirmed') return linkGonePage(c, shell);
    postman.send(confirmation.mail.statusLink, statusToken);
    postman.send(confirmation.mail.staffNotice);
    return c.redirect(`/pyynto/tila/${statusToken}`, 303);
  });

  return app;
}

/** A form field sent twice is refused rather than one value picked: named when it is one of ours. */
function repeatedErrors(names: string[]): FieldErrors {
  const found: FieldErrors = {};
  for (const name of names) {
    const known = Object.hasOwn(fieldLabels, name);
    found[known ? name : 'form'] = [known ? errors.repeatedField : errors.unknownField];
  }
  return found;
}
