/**
 * The CSV exports of the requests and of the marketing bans, streamed: the lines go out about a thousand at a
 * time as the client reads them, so 100 000 bans are never one string in memory. The records are taken when the
 * export starts (they are frozen), so a change meanwhile does not tear the file. A ban's line names what it was
 * recorded for: the address and, when given, the phone (E.164).
 */
import type { Context } from 'hono';
import type { marketingBans, MarketingBan, Requests } from '../requests/collections.ts';
import type { RequestRecord } from '../requests/record.ts';
import type { ViewOf } from '../store/view.ts';
import { csvLine } from './csv.ts';

/** Lines in one chunk of the stream. */
const chunkLines = 1000;

export function exportRequests(c: Context, view: Requests): Response {
  const header = ['reference', 'type', 'status', 'created_at', 'confirmed_at', 'due_at', 'extended_until', 'decided_at', 'outcome', 'controller'];
  const line = (r: RequestRecord) =>
    csvLine([r.reference, r.type, r.status, r.createdAt, r.confirmedAt, r.dueAt, r.extension?.until, r.decision?.at, r.decision?.outcome, r.subject.relation]);
  return csvResponse(c, 'pyynnot.csv', header, Array.from(view.values()), line);
}

export function exportBans(c: Context, view: ViewOf<typeof marketingBans>): Response {
  // One line per banned identifier pair: a ban without a phone is one line, a ban with two numbers two.
  const line = (ban: MarketingBan) => (ban.phones?.length ? ban.phones : [undefined]).map((phone) => csvLine([ban.email, phone, ban.createdAt])).join('');
  return csvResponse(c, 'markkinointikiellot.csv', ['email', 'phone', 'created_at'], Array.from(view.values()), line);
}

function csvResponse<R>(c: Context, name: string, header: readonly string[], records: readonly R[], line: (record: R) => string): Response {
  const encoder = new TextEncoder();
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(header)));
    },
    pull(controller) {
      const end = Math.min(next + chunkLines, records.length);
      let text = '';
      for (; next < end; next++) text += line(records[next] as R);
      if (text) controller.enqueue(encoder.encode(text));
      if (next >= records.length) controller.close();
    },
  });
  return c.body(stream, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  });
}
