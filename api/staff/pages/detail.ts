/**
 * One request as staff see it: every field the subject gave, when it arrived and when it was confirmed, the
 * deadline (a month from the arrival), the history, and the actions that fit.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { defaultLimits, type AnswerFileLimits, type StoredFile } from '../../files/index.ts';
import { formatSize } from '../../files/messages.ts';
import { allowedActions, maxStaffText, takesFiles, type StaffAction } from '../../requests/actions.ts';
import { daysLeft, latestExtension } from '../../requests/deadline.ts';
import { choiceLabels, deadlineTexts, formatDay, formatInstantDay as day, formatMoment, statusNames, typeTitle } from '../../requests/messages.ts';
import { deadlineOf, isOpen } from '../../requests/pressure.ts';
import type { RequestRecord } from '../../requests/record.ts';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';
import { staffPage, type Viewer } from './frame.ts';

const t = staffText.detail;
const f = staffText.fields;

export type DetailNotice = { kind: 'error' | 'done'; message: string };

/** `limits`: what the completion form says about its files (the server holds to them whatever the page says). */
export function detailPage(
  c: Context,
  shell: Shell,
  staff: Viewer,
  record: RequestRecord,
  now: Date,
  notice?: DetailNotice,
  limits: AnswerFileLimits = defaultLimits,
) {
  const s = record.subject;
  const due = deadlineOf(record);
  const left = due && isOpen(record) ? daysLeft(due, now) : undefined;
  const fact = (label: string, value: string | undefined) =>
    value === undefined || value === '' ? '' : html`<dt>${label}</dt><dd class="text">${value}</dd>`;
  const facts = [
    fact(f.type, typeTitle(record.type)),
    fact(f.status, statusNames[record.status]),
    fact(f.createdAt, day(record.createdAt)),
    fact(f.confirmedAt, day(record.confirmedAt)),
    fact(f.name, s.name),
    fact(f.email, s.email),
    fact(f.phone, s.phone),
    s.relation ? fact(f.relation, s.relation === 'organisation' ? staffText.relation.organisation(s.organisation ?? '') : staffText.relation.private) : '',
    fact(f.username, s.username),
    fact(f.wrong, record.wrong),
    fact(f.correct, record.correct),
    fact(f.format, record.format ? choiceLabels.format[record.format] : undefined),
    fact(f.recipient, record.recipient),
    record.restrictMeanwhile === undefined ? '' : fact(f.restrictMeanwhile, record.restrictMeanwhile ? staffText.yes : staffText.no),
    fact(f.details, record.details),
  ];
  const actions = allowedActions(record, now);
  const title = t.title(record.reference);
  return staffPage(
    c,
    shell,
    {
      title,
      staff,
      main: html`<h1>${title}</h1>
        ${notice
          ? html`<p class="${notice.kind === 'error' ? 'error' : 'done'}" role="${notice.kind === 'error' ? 'alert' : 'status'}" id="tulos" tabindex="-1" autofocus>${notice.message}</p>`
          : ''}
        ${record.pseudonymisedAt ? html`<p>${t.pseudonymised(day(record.pseudonymisedAt))}</p>` : ''}
        ${due
          ? html`<p class="deadline ${left !== undefined && left < 0 ? 'late' : ''}">
              ${staffText.list.deadline}: <strong>${formatDay(due)}</strong>${record.extension ? '' : ` (${deadlineTexts.staffBasis(day(record.createdAt))})`}${left === undefined ? '' : html` – ${staffText.days(left)}`}
            </p>`
          : ''}
        ${record.extension ? html`<p>${t.extended(formatDay(record.extension.until), record.extension.reason)}</p>` : ''}
        <h2>${t.facts}</h2>
        <dl class="facts">${facts}</dl>
        ${record.decision ? html`<h2>${t.decision}</h2><p>${statusNames[record.status]}, ${day(record.decision.at)} (${record.decision.by})</p>${record.decision.reason ? html`<p class="text">${record.decision.reason}</p>` : ''}` : ''}
        ${record.files?.length ? fileList(record.files) : ''}
        <h2>${t.actions}</h2>
        ${actions.map((action) => actionForm(record, action, limits))}
        <h2>${t.history}</h2>
        <div class="table-scroll" role="region" aria-label="${t.history}" tabindex="0"><table class="history">
          <thead><tr><th scope="col">${t.at}</th><th scope="col">${t.actor}</th><th scope="col">${t.event}</th><th scope="col">${t.note}</th></tr></thead>
          <tbody>${[...record.events].reverse().map(
            (e) => html`<tr><td>${formatMoment(e.at)}</td><td>${e.actor}</td><td>${staffText.events[e.action] ?? e.action}</td><td class="text">${e.note ?? ''}</td></tr>`,
          )}</tbody>
        </table></div>`,
    },
    notice?.kind === 'error' ? 422 : 200,
  );
}

/** The files sent with the answer; by name as given (made safe when stored), never a path. */
function fileList(files: StoredFile[]) {
  return html`<h2>${t.files}</h2>
    <div class="table-scroll" role="region" aria-label="${t.files}" tabindex="0"><table class="files">
      <thead><tr><th scope="col">${t.fileName}</th><th scope="col">${t.fileSize}</th><th scope="col">${t.fileUntil}</th><th scope="col">${t.fileHash}</th></tr></thead>
      <tbody>${files.map(
        (file) => html`<tr><td class="text">${file.name}</td><td>${formatSize(file.bytes)}</td><td>${day(file.expiresAt)}</td><td><code>${file.sha256}</code></td></tr>`,
      )}</tbody>
    </table></div>`;
}

/** The file input of a completion that may carry files: what it takes is a hint; the server checks each file's content. */
function filesField(id: string, limits: AnswerFileLimits) {
  const a = staffText.actions.complete;
  return html`<div class="field"><label for="${id}-files">${a.files}</label>
    <p class="hint" id="${id}-files-hint">${a.filesHint(formatSize(limits.maxFileBytes), formatSize(limits.maxAnswerBytes), limits.downloadDays)}</p>
    <input type="file" id="${id}-files" name="files" multiple accept=".json,.csv,.pdf,.zip,.txt,application/json,text/csv,application/pdf,application/zip,text/plain" aria-describedby="${id}-files-hint" /></div>`;
}

/** A transfer to another provider: to whom (the recipient the subject named, to start with), when, what and how. */
function transferFields(id: string, record: RequestRecord) {
  const f = staffText.actions.transfer;
  return html`<div class="field"><label for="${id}-to">${f.to}</label><input type="text" id="${id}-to" name="transferTo" required maxlength="500" value="${record.recipient ?? ''}" /></div>
    <div class="field"><label for="${id}-on">${f.on}</label><input type="date" id="${id}-on" name="transferOn" required /></div>
    <div class="field"><label for="${id}-what">${f.what}</label><textarea id="${id}-what" name="transferWhat" rows="3" required maxlength="2000"></textarea></div>
    <div class="field"><label for="${id}-how">${f.how}</label><input type="text" id="${id}-how" name="transferHow" required maxlength="500" /></div>`;
}

/** Where a forwarded request goes: the organisation's contact address, checked as the subject's is. */
function recipientField(id: string) {
  const f = staffText.actions.forward;
  return html`<div class="field"><label for="${id}-recipient">${f.recipientEmail}</label>
    <p class="hint" id="${id}-recipient-hint">${f.recipientHint}</p>
    <input type="email" id="${id}-recipient" name="recipientEmail" required maxlength="254" autocomplete="off" aria-describedby="${id}-recipient-hint" /></div>`;
}

function actionForm(record: RequestRecord, action: StaffAction, limits: AnswerFileLimits) {
  const a = staffText.actions[action];
  const id = `toiminto-${action}`;
  const textField =
    'text' in a
      ? html`<div class="field"><label for="${id}-text">${a.text}</label><textarea id="${id}-text" name="text" rows="4" maxlength="${maxStaffText}" ${action === 'forward' ? '' : 'required'}></textarea></div>`
      : html`<input type="hidden" name="text" value="" />`;
  const untilField =
    action === 'extend' && record.dueAt
      ? html`<div class="field"><label for="${id}-until">${staffText.actions.extend.until}</label>
          <input type="date" id="${id}-until" name="until" required max="${latestExtension(record.dueAt)}" value="${latestExtension(record.dueAt)}" /></div>`
      : html`<input type="hidden" name="until" value="" />`;
  const files = takesFiles(record, action);
  // novalidate: an empty reason gets the product's Finnish message from the server, not the browser's bubble.
  return html`<form method="post" action="/henkilosto/pyynnot/${record.reference}" class="action" aria-labelledby="${id}" novalidate ${files ? html`enctype="multipart/form-data"` : ''}>
    <h3 id="${id}">${a.title}</h3>
    <input type="hidden" name="action" value="${action}" />
    ${action === 'forward' ? recipientField(id) : ''}${action === 'transfer' ? transferFields(id, record) : ''}${untilField}${textField}${files ? filesField(id, limits) : ''}
    <p><button type="submit">${a.button}</button></p>
  </form>`;
}
