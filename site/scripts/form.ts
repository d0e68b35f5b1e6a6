/**
 * The only client script: enhances the request forms that api/requests/form.ts renders. It validates with the
 * same schema as the server, shows the messages in the slots the markup has for them (`#virhe-<field>`) and in
 * the summary, which takes focus, and posts JSON. Without it the form still posts as a plain form, and the
 * server answers a failed post with the same form and messages.
 */
import { receipt } from '../../api/requests/messages.ts';
import { validateRequest, type FieldErrors, type RequestInput } from '../../api/requests/schema.ts';

const text = {
  sending: 'Lähetetään…',
  offline: 'Lähetys ei onnistunut, koska yhteys palvelimeen katkesi. Tarkista verkkoyhteys ja yritä uudelleen.',
  failed: 'Lähetys ei onnistunut. Yritä hetken kuluttua uudelleen.',
};

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-request-form]')) enhance(form);

function enhance(form: HTMLFormElement): void {
  const touched = new Set<string>();

  form.addEventListener('change', (event) => {
    const name = (event.target as HTMLInputElement).name;
    if (!name) return;
    touched.add(name);
    // Inline: once a field has been changed, its own message follows what is typed.
    const result = validateRequest(fieldsOf(form));
    for (const field of touched) showFieldError(form, field, result.ok ? [] : (result.errors[field] ?? []));
  });

  // A message goes as soon as what is typed puts it right, not when the field is left: leaving it for the send
  // button would move the button as the message went, and the click would miss it. New messages wait for change.
  form.addEventListener('input', (event) => {
    const name = (event.target as HTMLInputElement).name;
    if (form.querySelector<HTMLElement>(`#virhe-${name}`)?.hidden !== false) return;
    const result = validateRequest(fieldsOf(form));
    if (result.ok || !result.errors[name]) showFieldError(form, name, []);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = fieldsOf(form);
    const result = validateRequest(fields);
    if (!result.ok) return showErrors(form, result.errors);
    const sent = result.value;
    showErrors(form, {});
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    const status = form.querySelector<HTMLElement>('.form-status');
    if (button) button.disabled = true;
    if (status) status.textContent = text.sending;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(fields),
      });
      const body = (await response.json().catch(() => ({}))) as { reference?: string; errors?: FieldErrors; error?: string };
      if (response.status === 201 && body.reference) return showReceipt(form, sent, body.reference);
      showErrors(form, body.errors ?? { form: [body.error ?? text.failed] });
    } catch {
      showErrors(form, { form: [text.offline] });
    } finally {
      if (button) button.disabled = false;
      if (status) status.textContent = '';
    }
  });
}

/** The fields as the server reads them: unchecked boxes are left out, like a plain form post. */
function fieldsOf(form: HTMLFormElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

function showFieldError(form: HTMLFormElement, field: string, messages: string[]): void {
  const slot = form.querySelector<HTMLElement>(`#virhe-${field}`);
  if (!slot) return;
  slot.textContent = messages.join(' ');
  slot.hidden = messages.length === 0;
  for (const control of form.querySelectorAll<HTMLElement>(`[name="${field}"]`)) {
    if (messages.length > 0) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }
}

/** The messages beside their fields and in the summary, each linked to its field when the form shows it. */
function showErrors(form: HTMLFormElement, errors: FieldErrors): void {
  const summary = form.querySelector<HTMLElement>('.error-summary');
  const list = summary?.querySelector('ul');
  for (const slot of form.querySelectorAll<HTMLElement>('.field-error')) showFieldError(form, slot.id.replace(/^virhe-/, ''), []);
  if (!summary || !list) return;
  list.replaceChildren();
  for (const [field, messages] of Object.entries(errors)) {
    showFieldError(form, field, messages);
    // A field the form shows has a message slot; its first control (a group's first option) is where the link leads.
    const target = form.querySelector(`#virhe-${field}`) ? form.querySelector<HTMLElement>(`[name="${field}"]`) : null;
    for (const message of messages) {
      const item = document.createElement('li');
      if (target) {
        const link = document.createElement('a');
        link.href = `#${target.id}`;
        link.textContent = message;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          target.focus();
        });
        item.append(link);
      } else {
        item.textContent = message;
      }
      list.append(item);
    }
  }
  summary.hidden = list.children.length === 0;
  if (!summary.hidden) summary.focus();
}

/** In place of the form: what was recorded (exactly: a ban's phone only when it was given) and the reference. */
function showReceipt(form: HTMLFormElement, sent: RequestInput, reference: string): void {
  const { title, paragraphs } = receipt.of({
    ban: sent.type === 'marketing_ban',
    reference,
    organisation: 'relation' in sent && sent.relation === 'organisation',
    phone: sent.type === 'marketing_ban' && sent.phone !== undefined,
  });
  const section = document.createElement('section');
  section.className = 'receipt';
  section.tabIndex = -1;
  const heading = Object.assign(document.createElement('h3'), { textContent: title });
  section.append(heading, ...paragraphs.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  form.replaceWith(section);
  section.focus();
}
