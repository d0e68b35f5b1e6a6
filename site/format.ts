/** Finnish formatting of what pages show: dates as 25.5.2018, phone numbers as tel: links. */

const finnishDate = new Intl.DateTimeFormat('fi-FI', { timeZone: 'UTC', day: 'numeric', month: 'numeric', year: 'numeric' });

/** Frontmatter dates are calendar days (UTC midnight), so they are formatted in UTC. */
export function formatDate(date: Date): string {
  return finnishDate.format(date);
}

/** The machine date for `<time datetime>`. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A Finnish phone number as written ("08 5349 300") to an international tel: URI (tel:+35885349300). */
export function telUri(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  return `tel:${digits.startsWith('0') ? `+358${digits.slice(1)}` : digits}`;
}
