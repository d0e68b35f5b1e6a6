/** References people see and quote: TS-<year>-<sequence>, the sequence counting from 1 each year. */

const pattern = /^TS-(\d{4})-(\d{5,})$/;

export function nextReference(existing: Iterable<string>, year: number): string {
  let last = 0;
  for (const reference of existing) {
    const match = pattern.exec(reference);
    if (match && Number(match[1]) === year) last = Math.max(last, Number(match[2]));
  }
  return `TS-${year}-${String(last + 1).padStart(5, '0')}`;
}
