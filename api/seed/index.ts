/**
 * Clearly fake data in a realistic shape, for trying the staff area and for the benchmark: requests spread
 * over the last 36 months in every type and status, each taken through the product's own intake and staff
 * actions at its own moments, and marketing bans. Names are "Testi 123", addresses end in example.fi or
 * .invalid. The same `seed` number makes the same data.
 */
import { applyAction, type ActionInput } from '../requests/actions.ts';
import { marketingBans, requests } from '../requests/collections.ts';
import { addMonths, latestExtension } from '../requests/deadline.ts';
import { confirm, submit } from '../requests/intake.ts';
import type { RequestRecord, Status } from '../requests/record.ts';
import { validateRequest } from '../requests/schema.ts';
import type { RequestType } from '../requests/types.ts';
import { collections } from '../collections.ts';
import { mailJobs } from '../mail/jobs.ts';
import { newToken } from '../requests/tokens.ts';
import type { Store, Tx } from '../store/store.ts';

export type SeedOptions = { requests: number; bans: number; now: Date; seed?: number };
export type SeedResult = { requests: number; bans: number; byStatus: Partial<Record<Status, number>> };

const day = 86_400_000;
/** Requests written in one store update. */
const chunk = 500;
const staff = 'testi.kasittelija';

/** Weights of the request types, roughly as a service like this receives them. */
const typeWeights: [RequestType, number][] = [
  ['access', 35],
  ['erasure', 25],
  ['rectification', 10],
  ['portability', 8],
  ['objection', 7],
  ['restriction', 5],
  ['marketing_ban', 10],
];

/** mulberry32: small, fast and good enough to make fake data repeatable. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Fills an empty store; refuses one that holds anything. */
export async function seed(store: Store, options: SeedOptions): Promise<SeedResult> {
  const held = collections.find((collection) => store.view(collection).size > 0);
  if (held) throw new Error(`The data directory already has data (${held.name}): the seed fills only an empty one.`);
  const random = generator(options.seed ?? 1);
  const pick = <T>(choices: readonly T[]) => choices[Math.floor(random() * choices.length)] as T;
  const chance = (p: number) => random() < p;
  const start = addMonths(options.now.toISOString().slice(0, 10), -36);
  const span = options.now.getTime() - Date.parse(start);
  const times = Array.from({ length: options.requests }, () => Date.parse(start) + random() * span).sort((a, b) => a - b);
  const byStatus: Partial<Record<Status, number>> = {};

  const lifecycle = (tx: Tx, i: number, createdAt: number): void => {
    const type = weighted(random);
    const organisation = chance(0.3);
    const fields: Record<string, unknown> = {
      type,
      email: `testi${i}@${chance(0.5) ? 'example.fi' : 'example.invalid'}`,
      ...(type === 'marketing_ban'
        ? {}
        : {
            name: `Testi ${i}`,
            relation: organisation ? 'organisation' : 'private',
            ...(organisation ? { organisation: `Testikoulu ${1 + (i % 40)}` } : {}),
            ...(chance(0.3) ? { phone: `040 ${String(1_000_000 + i).slice(-7)}` } : {}),
          }),
      ...(type === 'rectification' ? { wrong: 'Sukunimi on kirjoitettu väärin.', correct: `Testi ${i}` } : {}),
      ...(type === 'restriction' || type === 'objection' ? { details: `Testipyynnön ${i} perustelut.` } : {}),
      ...(type === 'portability' ? { format: pick(['json', 'csv']) } : {}),
    };
    const checked = validateRequest(fields);
    if (!checked.ok) throw new Error(`The seed made an invalid request: ${JSON.stringify(checked.errors)}`);
    const confirmToken = newToken();
    const { record } = submit(tx, checked.value, new Date(createdAt), confirmToken);
    // The store starts with an empty mail queue: nobody is to be mailed for fake data.
    for (const job of tx.table(mailJobs).group('request', record.id)) tx.table(mailJobs).delete(job.id);
    if (type === 'marketing_ban') return count(record);
    const now = options.now.getTime();
    // Half of the last week's requests are still waiting for their confirmation; older ones were confirmed or gone.
    if (createdAt > now - 7 * day && chance(0.5)) return count(record);
    const confirmedAt = Math.min(now, createdAt + random() * 2 * day);
    const confirmation = confirm(tx, confirmToken, new Date(confirmedAt), newToken());
    if (confirmation.outcome !== 'confirmed') throw new Error('The seed could not confirm its own request');
    for (const job of Object.values(confirmation.mail)) tx.table(mailJobs).delete(job);
    let current = confirmation.record;
    const act = (input: Omit<ActionInput, 'text' | 'until'> & Partial<ActionInput>, at: number): boolean => {
      if (at > now) return false;
      const draft = structuredClone(current);
      const outcome = applyAction(draft, { text: '', until: '', ...input }, staff, new Date(at));
      if (outcome.ok) current = tx.table(requests).put(draft);
      return outcome.ok;
    };
    const due = Date.parse(current.dueAt ?? '');
    if (chance(0.75)) act({ action: 'start' }, confirmedAt + random() * 5 * day);
    if (chance(0.06)) {
      const first = current.dueAt ?? '';
      act({ action: 'extend', text: 'Pyyntö vaatii tietojen keräämistä useasta järjestelmästä.', until: chance(0.5) ? addMonths(first, 1) : latestExtension(first) }, confirmedAt + random() * (due - confirmedAt));
    }
    const deadline = Date.parse(current.extension?.until ?? current.dueAt ?? '');
    // Most are decided in time; a few late; a few overdue ones are still open.
    if (deadline < now && chance(0.02)) return count(current);
    const decidedAt = chance(0.04) ? deadline + random() * 20 * day : confirmedAt + random() * (deadline - confirmedAt);
    const outcome = organisation && chance(0.4) ? 'forward' : chance(0.85) ? 'complete' : 'reject';
    const text = outcome === 'reject' ? 'Pyyntöä ei voitu toteuttaa, koska henkilöllisyyttä ei voitu varmistaa.' : outcome === 'complete' ? 'Pyyntö on toteutettu.' : '';
    act({ action: outcome, text, ...(outcome === 'forward' ? { recipientEmail: 'tietosuoja@organisaatio.invalid' } : {}) }, decidedAt);
    count(current);
  };
  const count = (record: RequestRecord) => void (byStatus[record.status] = (byStatus[record.status] ?? 0) + 1);

  for (let first = 0; first < times.length; first += chunk) {
    await store.update((tx) => {
      for (let i = first; i < Math.min(first + chunk, times.length); i++) lifecycle(tx, i + 1, times[i] as number);
    });
  }
  // The rest of the bans, as if carried over from requests since removed: the ban outlives its request.
  const fromRequests = store.view(marketingBans).size;
  for (let first = fromRequests; first < options.bans; first += chunk * 10) {
    await store.update((tx) => {
      const bans = tx.table(marketingBans);
      for (let j = first; j < Math.min(first + chunk * 10, options.bans); j++) {
        bans.put({ email: `kielto${j}@${j % 2 ? 'example.fi' : 'example.invalid'}`, createdAt: new Date(Date.parse(start) + random() * span).toISOString(), requestId: crypto.randomUUID() });
      }
    });
  }
  return { requests: store.view(requests).size, bans: store.view(marketingBans).size, byStatus };
}

function weighted(random: () => number): RequestType {
  const total = typeWeights.reduce((sum, [, weight]) => sum + weight, 0);
  let left = random() * total;
  for (const [type, weight] of typeWeights) if ((left -= weight) < 0) return type;
  return 'access';
}
