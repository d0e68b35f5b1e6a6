/**
 * CSV (RFC 4180) for the exports, a line at a time. A cell that a spreadsheet would run as a formula (= + - @
 * at the start) gets a leading apostrophe, so an address like "=HYPERLINK(…)" stays text.
 */

/** One record as a CSV line, ending in CRLF. */
export function csvLine(cells: readonly (string | undefined)[]): string {
  return cells.map(cell).join(',') + '\r\n';
}

function cell(value: string | undefined): string {
  let text = value ?? '';
  // A phone number in international form (+ and digits only) is no formula, and must reach the tools as it is.
  if (/^[=+\-@\t\r]/.test(text) && !/^\+\d{6,15}$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
