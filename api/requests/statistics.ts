/**
 * The controller's statistics of rights requests (GDPR Art. 5(2), accountability), by Finnish calendar month,
 * read from the store's month indexes (collections.ts): a year's figures touch that year's records only.
 *
 * Each event counts in the month it happened: a request in the month it arrived (with those deleted unconfirmed,
 * from their tally), a confirmation in its month, a decision (completed, rejected, forwarded) in the month it was
 * made, and the decision's durations and punctuality there too; a marketing ban in the month it was recorded.
 * Pseudonymised requests keep every date and outcome (retention/index.ts) and count like the others.
 *
 * - Days from receipt to decision: whole days between the Finnish dates of arrival and decision (0: the same day).
 * - Median and 90th percentile: interpolated between the closest ranks, as a spreadsheet's PERCENTILE.INC, so the
 *   figures can be checked from the request CSV.
 * - On time: decided on or before the first deadline (one month from arrival, deadline.ts), and on or before the
 *   deadline in force, an extension's date counted.
 */
import type { ViewOf } from '../store/view.ts';
import { marketingBans, unconfirmedTallies, type Requests } from './collections.ts';
import { dueDate, finnishDate } from './deadline.ts';
import type { RequestRecord } from './record.ts';
import { requestTypes, type RequestType } from './types.ts';

export type StatisticsViews = {
  requests: Requests;
  bans: ViewOf<typeof marketingBans>;
  tallies: ViewOf<typeof unconfirmedTallies>;
};

export type Figures = {
  received: Record<RequestType, number>;
  receivedTotal: number;
  confirmed: number;
  completed: number;
  rejected: number;
  forwarded: number;
  decided: number;
  /** Decisions of requests whose deadline had been extended. */
  extended: number;
  /** Days from receipt to decision; null without decisions. */
  medianDays: number | null;
  p90Days: number | null;
  /** Shares (0–1) of the decisions made by the first deadline, and by the deadline in force. */
  onTime: number | null;
  onTimeExtended: number | null;
  bans: number;
};

/** A year's figures: each month's (January first) and the whole year's. */
export type YearFigures = { year: number; months: Figures[]; total: Figures };

/** The first year that can have requests: the GDPR applies from 25 May 2018. */
const firstPossibleYear = 2018;

/** 'YYYY-MM' of a year and a month (1–12). */
export function monthKey(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

export function yearFigures(views: StatisticsViews, year: number): YearFigures {
  const months = Array.from({ length: 12 }, (_, i) => countMonth(views, monthKey(year, i + 1)));
  return { year, months: months.map((month) => summarise([month])), total: summarise(months) };
}

/** One month's counts, and the days to each decision: what the months' figures are summed from. */
type MonthCount = Omit<Figures, 'medianDays' | 'p90Days' | 'onTime' | 'onTimeExtended'> & { days: number[]; onTime: number; onTimeExtended: number };

function countMonth(views: StatisticsViews, key: string): MonthCount {
  const deleted = views.tallies.get(key)?.counts;
  const received = Object.fromEntries(requestTypes.map((type) => [type, views.requests.count('receivedMonth', `${key} ${type}`) + (deleted?.[type] ?? 0)])) as Record<RequestType, number>;
  const month: MonthCount = {
    received,
    receivedTotal: requestTypes.reduce((sum, type) => sum + received[type], 0),
    confirmed: views.requests.count('confirmedMonth', key),
    completed: 0,
    rejected: 0,
    forwarded: 0,
    decided: 0,
    extended: 0,
    days: [],
    onTime: 0,
    onTimeExtended: 0,
    bans: views.bans.count('month', key),
  };
  for (const record of views.requests.group('decidedMonth', key)) {
    const decision = record.decision;
    if (!decision) continue;
    const timing = timingOf(record, decision.at);
    month[decision.outcome] += 1;
    month.decided += 1;
    month.days.push(timing.days);
    if (timing.onTime) month.onTime += 1;
    if (timing.onTimeExtended) month.onTimeExtended += 1;
    if (record.extension) month.extended += 1;
  }
  return month;
}

function summarise(months: readonly MonthCount[]): Figures {
  const sum = (field: 'receivedTotal' | 'confirmed' | 'completed' | 'rejected' | 'forwarded' | 'decided' | 'extended' | 'onTime' | 'onTimeExtended' | 'bans') =>
    months.reduce((total, month) => total + month[field], 0);
  const received = Object.fromEntries(requestTypes.map((type) => [type, months.reduce((total, month) => total + month.received[type], 0)])) as Record<RequestType, number>;
  const days = months.flatMap((month) => month.days).sort((a, b) => a - b);
  const decided = sum('decided');
  return {
    received,
    receivedTotal: sum('receivedTotal'),
    confirmed: sum('confirmed'),
    completed: sum('completed'),
    rejected: sum('rejected'),
    forwarded: sum('forwarded'),
    decided,
    extended: sum('extended'),
    medianDays: percentile(days, 0.5),
    p90Days: percentile(days, 0.9),
    onTime: decided ? sum('onTime') / decided : null,
    onTimeExtended: decided ? sum('onTimeExtended') / decided : null,
    bans: sum('bans'),
  };
}

type Timing = { days: number; onTime: boolean; onTimeExtended: boolean };

/** A decided request's timing, worked out once: stored records are frozen, so the one in memory is never stale. */
const timings = new WeakMap<RequestRecord, Timing>();

function timingOf(record: RequestRecord, decidedAt: string): Timing {
  const known = timings.get(record);
  if (known) return known;
  const arrived = new Date(record.createdAt);
  const decidedOn = finnishDate(new Date(decidedAt));
  const first = dueDate(arrived);
  const timing = {
    days: Math.round((Date.parse(decidedOn) - Date.parse(finnishDate(arrived))) / 86_400_000),
    onTime: decidedOn <= first,
    onTimeExtended: decidedOn <= (record.extension?.until ?? first),
  };
  timings.set(record, timing);
  return timing;
}

/** The p-quantile (0–1) of ascending numbers, interpolated between the closest ranks (PERCENTILE.INC); null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const below = Math.floor(rank);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (rank - below) * (high - low);
}

/** The years that have anything to count, as a range: the first year with a request or a ban, up to this one. */
export function yearRange(views: StatisticsViews, now: Date): { first: number; last: number } {
  const last = Number(finnishDate(now).slice(0, 4));
  for (let year = firstPossibleYear; year < last; year++) {
    for (let month = 1; month <= 12; month++) {
      const key = monthKey(year, month);
      const any = requestTypes.some((type) => views.requests.count('receivedMonth', `${key} ${type}`) > 0) || views.bans.count('month', key) > 0 || views.tallies.get(key);
      if (any) return { first: year, last };
    }
  }
  return { first: last, last };
}
