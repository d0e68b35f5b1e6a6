/**
 * The legal deadline (GDPR Art. 12(3)): one month from the day the request arrived on the Finnish calendar,
 * however late in its week it was confirmed (the conservative reading: the month runs from receipt of the
 * request); the same date next month or that month's last day when the date does not exist (31 January →
 * 28/29 February). An extension adds at most two further months to the first deadline.
 */

/** A calendar date as YYYY-MM-DD. */
export type CalendarDate = string;

const helsinki = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The date in Finland at an instant. Finland is two or three hours ahead of UTC, so before 21:00 UTC its date is
 * the UTC date; only the evening asks the time zone database (a tenth of the cost, which counts when the store's
 * indexes file 100,000 marketing bans by month at start).
 */
export function finnishDate(at: Date): CalendarDate {
  if (at.getUTCHours() < 21) return at.toISOString().slice(0, 10);
  return helsinki.format(at);
}

/**
 * The month in Finland (YYYY-MM) of an instant given as an ISO string, as the statistics count it. For a UTC
 * instant as the store writes them ("…Z") it reads the string: Finland being two or three hours ahead, only the
 * evening of one of a month's last days can be in the next month there. The store's indexes file every request and
 * marketing ban by month at start, so this runs 100,000 times before the server is ready.
 */
export function finnishMonth(at: string): string {
  if (at.length >= 20 && at[4] === '-' && at[7] === '-' && at[10] === 'T' && at.endsWith('Z') && (at.slice(11, 13) < '21' || at.slice(8, 10) < '28')) {
    return at.slice(0, 7);
  }
  return finnishDate(new Date(at)).slice(0, 7);
}

export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** The first deadline of a request that arrived at `receivedAt` (its createdAt). */
export function dueDate(receivedAt: Date): CalendarDate {
  return addMonths(finnishDate(receivedAt), 1);
}

/** The latest date an extension may reach: two months past the first deadline. */
export function latestExtension(firstDue: CalendarDate): CalendarDate {
  return addMonths(firstDue, 2);
}

/** Whole days from today (in Finland) to the deadline: 0 on the day itself, negative when overdue. */
export function daysLeft(due: CalendarDate, now: Date): number {
  return Math.round((Date.parse(due) - Date.parse(finnishDate(now))) / 86_400_000);
}
