/**
 * The only client script: enhances the request forms. It validates with the same schema as the server,
 * shows Finnish errors beside each field and in a summary that takes focus, and posts JSON. Without it the
 * form still posts as a plain form.
 */
import { receipt } from '../../api/requests/messages.ts';
import { validateRequest, type FieldErrors } from '../../api/requests/schema.ts';

const text = {
  sending: 'Lähetetään…',
  offline: 'Lähetys ei onnistunut, koska yhteys palvelimeen katkesi. Tarkista verkkoyhteys ja yritä uudelleen.',
  failed: 'Lähetys ei onnistunut. Yritä hetken kuluttua uudelleen.',
};

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-request-form]')) enhance(form);

function enhance(form: HTMLFormElement): void {
  form.noValidate = true;
  const touched = new Set<string>();

  form.addEventListener('change', (event) => {
    const name = (event.target as HTMLInputElement).name;
    if (!name) return;
    touched.add(name);
    // Inline: once a field has been changed, its own message follows what is typed.
    const result = validateRequest(fieldsOf(form));
    for (const field of touched) showFieldError(form, field, result.ok ? [] : (result.errors[field] ?? []));
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = fieldsOf(form);
    const result = validateRequest(fields);
    if (!result.ok) return showErrors(form, result.errors);
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
      if (response.status === 201 && body.reference) return showReceipt(form, fields, body.reference);
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

function showErrors(form: HTMLFormElement, errors: FieldErrors): void {
  const summary = form.querySelector<HTMLElement>('.error-summary');
  const list = summary?.querySelector('ul');
  for (const slot of form.querySelectorAll<HTMLElement>('.field-error')) showFieldError(form, slot.id.replace(/^virhe-/, ''), []);
  if (!summary || !list) return;
  list.replaceChildren();
  for (const [field, messages] of Object.entries(errors)) {
    showFieldError(form, field, messages);
    const target = form.querySelector<HTMLElement>(`#kentta-${field}, [id^="kentta-${field}-"]`);
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

function showReceipt(form: HTMLFormElement, fields: Record<string, string>, reference: string): void {
  const section = document.createElement('section');
  section.className = 'receipt';
  section.tabIndex = -1;
  const heading = document.createElement('h3');
  const paragraphs: string[] = [];
  if (fields.type === 'marketing_ban') {
    heading.textContent = receipt.banTitle;
    paragraphs.push(receipt.ban);
  } else {
    heading.textContent = receipt.title;
    paragraphs.push(receipt.confirm);
    if (fields.relation === 'organisation') paragraphs.push(receipt.organisation);
  }
  paragraphs.push(`${receipt.reference}: ${reference}`);
  section.append(heading, ...paragraphs.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  form.replaceWith(section);
  section.focus();
}
