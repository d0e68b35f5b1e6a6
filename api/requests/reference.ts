/** References people see and quote: TS-<year>-<sequence>, the sequence counting from 1 each year. */

const pattern = /^TS-(\d{4})-(\d{5,})$/;

export function formatReference(year: number, sequence: number): string {
  return `TS-${year}-${String(sequence).padStart(5, '0')}`;
}

/** The year and the sequence number of a reference, or undefined for anything else. */
export function parseReference(reference: string): { year: number; sequence: number } | undefined {
  const match = pattern.exec(reference);
  return match ? { year: Number(match[1]), sequence: Number(match[2]) } : undefined;
}
