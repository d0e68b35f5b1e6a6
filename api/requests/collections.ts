/** The requests area's collections in the store: the requests, and the marketing bans keyed by e-mail address. */
import { collection, counter, group, maximum, unique } from '../store/collection.ts';
import type { ViewOf } from '../store/view.ts';
import { finnishMonth } from './deadline.ts';
import type { RequestRecord } from './record.ts';
import { parseReference } from './reference.ts';
import type { RequestType } from './types.ts';

export const requests = collection('requests', {
  key: (r: RequestRecord) => r.id,
  indexes: {
    reference: unique((r: RequestRecord) => r.reference),
    confirmToken: unique((r: RequestRecord) => r.confirmTokenHash),
    statusToken: unique((r: RequestRecord) => r.statusTokenHash),
    status: group((r: RequestRecord) => r.status),
    /** The requests with answer files still on disk: what the expiry sweep looks at. */
    withFiles: group((r: RequestRecord) => (r.files?.some((file) => !file.deletedAt) ? 'yes' : undefined)),
    /** The requests of each address, for the limits on mailing one (intake.ts); a pseudonymised one has none. */
    email: group((r: RequestRecord) => r.subject.email || undefined),
    /**
     * The Finnish month (YYYY-MM) each arrived (with its type: "2026-03 erasure"), was confirmed and was decided
     * in: what the statistics count by. Counts only, but for the decisions, whose timing is read too.
     */
    receivedMonth: counter((r: RequestRecord) => `${finnishMonth(r.createdAt)} ${r.type}`),
    confirmedMonth: counter((r: RequestRecord) => (r.confirmedAt ? finnishMonth(r.confirmedAt) : undefined)),
    decidedMonth: group((r: RequestRecord) => (r.decision ? finnishMonth(r.decision.at) : undefined)),
    /** The last reference number of each year, which the next one continues. */
    sequence: maximum(
      (r: RequestRecord) => String(parseReference(r.reference)?.year ?? ''),
      (r: RequestRecord) => parseReference(r.reference)?.sequence ?? 0,
    ),
  },
});

export type Requests = ViewOf<typeof requests>;

/**
 * In force from the moment it is recorded; one per address (already lower-cased by the schema), the address its
 * key. `phones` (E.164), the numbers the subject gave with it, are banned too: a later ban of the address with
 * another number adds it.
 */
export type MarketingBan = { email: string; phones?: string[]; createdAt: string; requestId: string };

export const marketingBans = collection('marketingBans', {
  key: (ban: MarketingBan) => ban.email,
  indexes: {
    /** How many were recorded in each Finnish month (YYYY-MM), for the statistics. */
    month: counter((ban: MarketingBan) => finnishMonth(ban.createdAt)),
  },
});

/**
 * How many requests of each type arrived in a Finnish month (YYYY-MM, the key) and were deleted unconfirmed when
 * their week ran out (intake.ts dropExpired): the request goes with its personal data, and this count keeps it
 * among the month's arrivals in the statistics. ("unconfirmedTallies" is its name in db.json.)
 */
export type UnconfirmedTally = { month: string; counts: Partial<Record<RequestType, number>> };

export const unconfirmedTallies = collection('unconfirmedTallies', { key: (tally: UnconfirmedTally) => tally.month });
