/**
 * The request form of a type, as HTML built from the one schema: the rights page renders it empty at build
 * time (site/components/RequestForm.astro), and the server renders it again with the values and messages of a
 * plain post that failed (form-pages.ts), so its markup exists once. site/scripts/form.ts enhances the same
 * markup: it finds a field's message slot by its id, `virhe-<field>`, and the field's controls by their name.
 * Every value is escaped by hono/html.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { choiceLabels, fieldLabels, hintsFor } from './messages.ts';
import { limits, shapes, type FieldErrors } from './schema.ts';
import type { RequestType } from './types.ts';

type Field = keyof typeof fieldLabels;
const labels: Record<Field, { label: string; hint?: string }> = fieldLabels;
type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What a failed post brings back: the fields as sent, and the messages by field (as validateRequest gives them). */
export type FormState = { values?: Record<string, unknown>; errors?: FieldErrors };

/** One field as it is rendered: which field of which type's form, what was typed or chosen, and its message. */
type Slot = { name: Field; type: RequestType; value: string; messages: readonly string[] };

/** The one-line text fields; the others are of several lines (a textarea). */
const inputs: Partial<Record<Field, { type: string; autocomplete: string }>> = {
  name: { type: 'text', autocomplete: 'name' },
  email: { type: 'email', autocomplete: 'email' },
  phone: { type: 'tel', autocomplete: 'tel' },
  organisation: { type: 'text', autocomplete: 'organization' },
  username: { type: 'text', autocomplete: 'username' },
};

/** The fields a type's form shows, in the schema's order: all but the type itself and the honeypot. */
function formFields(type: RequestType): Field[] {
  return Object.keys(shapes[type].entries).filter((name): name is Field => name !== 'website' && Object.hasOwn(fieldLabels, name));
}

const isRequired = (type: RequestType, name: Field) => (shapes[type].entries as Record<string, { type: string }>)[name]?.type !== 'optional';

const choices = (name: Field) => (name === 'relation' || name === 'format' ? Object.entries(choiceLabels[name]) : undefined);

/** Where a field's summary link leads: its control, or a group's first option. */
function controlId(name: Field): string {
  const first = choices(name)?.[0]?.[0];
  return first === undefined ? `kentta-${name}` : `kentta-${name}-${first}`;
}

/** "(pakollinen)" or "(vapaaehtoinen)" after every label; the organisation is required of organisation users only. */
function mark({ name, type }: Slot): Markup {
  const said = name === 'organisation' ? 'pakollinen, jos käytät palvelua organisaation kautta' : isRequired(type, name) ? 'pakollinen' : 'vapaaehtoinen';
  return html`<span class="mark"> (${said})</span>`;
}

/** The field's hint: the type's own words for it, or the field's general one. */
function hint({ name, type }: Slot): string | undefined {
  return hintsFor[type]?.[name] ?? labels[name].hint;
}

/** The field's message, shown when there is one; the form script fills in the same slot. */
function errorSlot({ name, messages }: Slot): Markup {
  return html`<p class="field-error" id="virhe-${name}"${messages.length === 0 ? html` hidden` : ''}>${messages.join(' ')}</p>`;
}

const invalid = ({ messages }: Slot) => (messages.length > 0 ? html` aria-invalid="true"` : '');

function choiceGroup(slot: Slot, options: [string, string][]): Markup {
  const { name, type, value } = slot;
  const option = ([choice, label]: [string, string]) =>
    html`<label class="choice"><input type="radio" name="${name}" value="${choice}" id="kentta-${name}-${choice}"${isRequired(type, name) ? html` required` : ''}${choice === value ? html` checked` : ''}${invalid(slot)} /> ${label}</label>`;
  return html`<fieldset class="field" aria-describedby="virhe-${name}"><legend>${labels[name].label}${mark(slot)}</legend>${errorSlot(slot)}${options.map(option)}</fieldset>`;
}

function checkbox(slot: Slot): Markup {
  const { name, value } = slot;
  const checked = value === 'on' || value === 'true';
  return html`<div class="field">${errorSlot(slot)}<label class="choice"><input type="checkbox" name="${name}" id="kentta-${name}" aria-describedby="virhe-${name}"${checked ? html` checked` : ''}${invalid(slot)} /> ${labels[name].label}${mark(slot)}</label></div>`;
}

function textField(slot: Slot): Markup {
  const { name, type, value } = slot;
  const said = hint(slot);
  const max = Object.hasOwn(limits, name) ? limits[name as keyof typeof limits] : undefined;
  const attributes = html`name="${name}" id="kentta-${name}"${isRequired(type, name) ? html` required` : ''}${max ? html` maxlength="${max}"` : ''} aria-describedby="${said ? `ohje-${name} ` : ''}virhe-${name}"${invalid(slot)}`;
  const input = inputs[name];
  // The parser drops a textarea's first line break, so one goes before the value to keep the value's own.
  const control = input
    ? html`<input type="${input.type}" ${attributes} autocomplete="${input.autocomplete}"${name === 'email' ? html` spellcheck="false"` : ''}${value ? html` value="${value}"` : ''} />`
    : html`<textarea rows="5" ${attributes}>\n${value}</textarea>`;
  return html`<div class="field"><label for="kentta-${name}">${labels[name].label}${mark(slot)}</label>${said ? html`<p class="hint" id="ohje-${name}">${said}</p>` : ''}${errorSlot(slot)}${control}</div>`;
}

function field(slot: Slot): Markup {
  const options = choices(slot.name);
  if (options) return choiceGroup(slot, options);
  return slot.name === 'restrictMeanwhile' ? checkbox(slot) : textField(slot);
}

/**
 * The messages at the top, each a link to its field (a message of no field of the form, such as an unknown
 * field's, is plain text). With messages it is shown and focused as the page loads, without a script.
 */
function summary(type: RequestType, errors: FieldErrors): Markup {
  const shown = new Set<string>(formFields(type));
  const items = Object.entries(errors).flatMap(([name, messages]) =>
    messages.map((message) => (shown.has(name) ? html`<li><a href="#${controlId(name as Field)}">${message}</a></li>` : html`<li>${message}</li>`)),
  );
  const state = items.length > 0 ? html` autofocus` : html` hidden`;
  return html`<div class="error-summary" id="virheet" tabindex="-1"${state}><h3>Korjaa nämä kohdat</h3><ul>${items}</ul></div>`;
}

/** The form section of a type's rights page (`#lomake`), empty or as a failed post left it. */
export function requestForm(type: RequestType, { values = {}, errors = {} }: FormState = {}): Markup {
  const slots = formFields(type).map((name): Slot => {
    const value = values[name];
    return { name, type, value: typeof value === 'string' ? value : '', messages: errors[name] ?? [] };
  });
  return html`<section class="request" id="lomake" aria-labelledby="lomake-otsikko">
<h2 id="lomake-otsikko">Tee pyyntö</h2>
<p>Kentät, joissa lukee <span class="mark">(pakollinen)</span>, on täytettävä.</p>
<form method="post" action="/api/requests" class="request-form" novalidate data-request-form>
${summary(type, errors)}
<input type="hidden" name="type" value="${type}" />
${slots.map(field)}
<div class="hp" aria-hidden="true"><label for="kentta-website">${fieldLabels.website.label}</label><input type="text" name="website" id="kentta-website" tabindex="-1" autocomplete="off" /></div>
<p><button type="submit">Lähetä pyyntö</button></p>
<p class="form-status" role="status"></p>
</form>
</section>`;
}
