/**
 * Staff sessions (DESIGN §7): a 256-bit random id in the cookie, only its hash stored; 30 minutes idle and
 * 8 hours in all at most; a new id at every log-in; log-out ends it on the server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { collection } from '../store/collection.ts';
import type { Tx } from '../store/store.ts';
import type { ViewOf } from '../store/view.ts';

/** `address`: where the log-in came from, so its owner can tell the session apart on the own-account page. */
export type Session = { idHash: string; username: string; createdAt: string; lastSeenAt: string; address?: string };

export const sessions = collection('sessions', { key: (session: Session) => session.idHash });

export const idleMs = 30 * 60_000;
export const absoluteMs = 8 * 3_600_000;
/** Activity is written down at most this often, so browsing is not a disk write per page. */
export const touchEveryMs = 60_000;

export const hash = (id: string) => createHash('sha256').update(id).digest('base64url');

function alive(session: Session, now: Date): boolean {
  const time = now.getTime();
  return time - Date.parse(session.lastSeenAt) < idleMs && time - Date.parse(session.createdAt) < absoluteMs;
}

/** Starts a session and returns its id for the cookie; ended sessions are swept out on the way. */
export function startSession(tx: Tx, username: string, now: Date, address?: string, id = randomBytes(32).toString('base64url')): string {
  const table = tx.table(sessions);
  for (const session of [...table.values()]) if (!alive(session, now)) table.delete(session.idHash);
  const at = now.toISOString();
  table.put({ idHash: hash(id), username, createdAt: at, lastSeenAt: at, ...(address ? { address } : {}) });
  return id;
}

/** The live sessions of one account, newest first. */
export function sessionsOf(table: ViewOf<typeof sessions>, username: string, now: Date): Session[] {
  return [...table.values()].filter((s) => s.username === username && alive(s, now)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Ends every session of the account but `keepId`'s; returns how many ended. */
export function endOtherSessions(tx: Tx, username: string, keepId: string | undefined): number {
  const table = tx.table(sessions);
  const keep = keepId === undefined ? undefined : hash(keepId);
  const others = [...table.values()].filter((s) => s.username === username && s.idHash !== keep);
  for (const session of others) table.delete(session.idHash);
  return others.length;
}

export function findSession(table: ViewOf<typeof sessions>, id: string, now: Date): Session | undefined {
  const session = table.get(hash(id));
  return session && alive(session, now) ? session : undefined;
}

/** Whether the session's last activity is old enough to be written down again. */
export function needsTouch(session: Session, now: Date): boolean {
  return now.getTime() - Date.parse(session.lastSeenAt) >= touchEveryMs;
}

export function touchSession(tx: Tx, id: string, now: Date): void {
  tx.table(sessions).change(hash(id), (session) => (session.lastSeenAt = now.toISOString()));
}

export function endSession(tx: Tx, id: string): void {
  tx.table(sessions).delete(hash(id));
}
