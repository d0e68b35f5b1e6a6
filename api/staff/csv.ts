/**
 * CSV (RFC 4180) for the exports. A cell that a spreadsheet would run as a formula (= + - @ at the start)
 * gets a leading apostrophe, so an address like "=HYPERLINK(…)" stays text.
 */
export function toCsv(rows: readonly (readonly (string | undefined)[])[]): string {
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
