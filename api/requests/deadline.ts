/**
 * The legal deadline (GDPR Art. 12(3)): one month from the day the request arrived on the Finnish calendar,
 * however late in its week it was confirmed (the conservative reading: the month runs from receipt of the
 * request); the same date next month or that month's last day when the date does not exist (31 January →
 * 28/29 February). An extension adds at most two further months to the first deadline.
 */

/** A calendar date as YYYY-MM-DD. */
export type CalendarDate = string;

const helsinki = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The date in Finland at an instant. */
export function finnishDate(at: Date): CalendarDate {
  return helsinki.format(at);
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
