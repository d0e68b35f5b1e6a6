/**
 * Staff search: requests by reference (any part, any case) or by the subject's e-mail address, bans by address;
 * spaces and case are ignored. A whole reference or address is looked up in the store's index, and only a part
 * costs a scan.
 */
import type { MarketingBan, marketingBans, Requests } from '../requests/collections.ts';
import type { RequestRecord } from '../requests/record.ts';
import type { ViewOf } from '../store/view.ts';

/** The requests whose reference or address is `text` or holds it, in the store's order. */
export function searchRequests(view: Requests, text: string): RequestRecord[] {
  const reference = squeeze(text).toUpperCase();
  const email = squeeze(text).toLowerCase();
  const exact = view.find('reference', reference);
  if (exact) return [exact];
  const owned = view.group('email', email);
  if (owned.length > 0) return owned;
  const found: RequestRecord[] = [];
  for (const r of view.values()) if (r.reference.includes(reference) || (r.subject.email !== '' && r.subject.email.includes(email))) found.push(r);
  return found;
}

/**
 * The bans whose address is `text` or holds it, newest first. A part is looked for in the table's own order
 * (reading 100,000 records in their stored order is several times faster than in a sorted copy's), and only the
 * matches are sorted.
 */
export function searchBans(view: ViewOf<typeof marketingBans>, text: string): MarketingBan[] {
  const email = squeeze(text).toLowerCase();
  const exact = view.get(email);
  if (exact) return [exact];
  const found: MarketingBan[] = [];
  for (const ban of view.values()) if (ban.email.includes(email)) found.push(ban);
  return found.sort((a, b) => compare(b.createdAt, a.createdAt) || compare(a.email, b.email));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** " Maija@Example.FI " → "Maija@Example.FI": no white space anywhere. */
function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}
