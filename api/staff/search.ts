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

/** The bans whose address is `text` or holds it, in the order of `ordered` (the view's bans, sorted). */
export function searchBans(view: ViewOf<typeof marketingBans>, ordered: readonly MarketingBan[], text: string): MarketingBan[] {
  const email = squeeze(text).toLowerCase();
  const exact = view.get(email);
  return exact ? [exact] : ordered.filter((ban) => ban.email.includes(email));
}

/** " Maija@Example.FI " → "Maija@Example.FI": no white space anywhere. */
function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}
