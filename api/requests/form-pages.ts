/**
 * The pages of a plain form post (no script), in the site's shell: the form again when the post failed, with
 * what was typed and each message beside its field (rendered by form.ts, as the rights page renders it), and
 * the receipt when it went through. The receipt's address carries only the type, the subject's relation, whether
 * a ban has a phone, and the reference: nothing personal, as an address is not secret.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Shell } from '../shell/index.ts';
import { builtRightTitle } from './art15.ts';
import { requestForm } from './form.ts';
import { receipt, typeTitle } from './messages.ts';
import { parseReference } from './reference.ts';
import type { FieldErrors, RequestInput } from './schema.ts';
import { isRequestType, rightSlugs } from './types.ts';

const failedTitle = 'Lomakkeessa on korjattavaa';

/**
 * A plain post that failed (422): the right's form again, as it was sent, with the messages beside the fields
 * and in a summary at the top that takes focus. A post of no known type gets the messages and the way to the rights.
 */
export function failedFormPage(c: Context, shell: Shell, errors: FieldErrors, values: Record<string, unknown>): Promise<Response> {
  const type = values.type;
  if (!isRequestType(type)) {
    const items = Object.values(errors).flatMap((messages) => messages.map((message) => html`<li>${message}</li>`));
    return shell(
      c,
      {
        title: failedTitle,
        main: html`<h1>${failedTitle}</h1>
          <p>Pyyntöä ei lähetetty:</p>
          <ul class="error-list">${items}</ul>
          <p><a href="/#oikeudet">Valitse oikeus, jota haluat käyttää</a>, ja tee pyyntö sen sivun lomakkeella.</p>`,
      },
      422,
    );
  }
  // The title the editors gave the right's page, as built into the site.
  const right = builtRightTitle(type) ?? typeTitle(type);
  const title = `${failedTitle} – ${right}`;
  return shell(
    c,
    {
      title,
      main: html`<h1>${title}</h1>
        <p>Pyyntöäsi ei vielä lähetetty. Korjaa merkityt kohdat ja lähetä lomake uudelleen. Oikeudesta kerrotaan sivulla <a href="/oikeudet/${rightSlugs[type]}/">${right}</a>.</p>
        ${requestForm(type, { values, errors })}`,
    },
    422,
  );
}

/** Where a plain post that went through is sent: the receipt page's address. */
export function receiptAddress(input: RequestInput, reference: string): string {
  const query = new URLSearchParams({ tyyppi: input.type });
  if ('relation' in input) query.set('suhde', input.relation);
  if (input.type === 'marketing_ban' && input.phone) query.set('puhelin', '1');
  query.set('viite', reference);
  return `/pyynto/vastaanotettu/?${query}`;
}

/** The receipt after a plain post: the same words as the form script's, with the reference. */
export function receiptPage(c: Context, shell: Shell): Promise<Response> {
  const reference = c.req.query('viite') ?? '';
  const { title, paragraphs } = receipt.of({
    ban: c.req.query('tyyppi') === 'marketing_ban',
    reference: parseReference(reference) ? reference : undefined,
    organisation: c.req.query('suhde') === 'organisation',
    phone: c.req.query('puhelin') === '1',
  });
  return shell(c, { title, main: html`<h1>${title}</h1>${paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}` });
}
