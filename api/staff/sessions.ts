/**
 * Staff sessions (DESIGN §7): a 256-bit random id in the cookie, only its hash stored; 30 minutes idle and
 * 8 hours in all at most; a new id at every log-in; log-out ends it on the server.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/db.ts';

export type Session = { idHash: string; username: string; createdAt: string; lastSeenAt: string };

export const idleMs = 30 * 60_000;
export const absoluteMs = 8 * 3_600_000;
/** Activity is written down at most this often, so browsing is not a disk write per page. */
export const touchEveryMs = 60_000;

const hash = (id: string) => createHash('sha256').update(id).digest('base64url');

function alive(session: Session, now: Date): boolean {
  const time = now.getTime();
  return time - Date.parse(session.lastSeenAt) < idleMs && time - Date.parse(session.createdAt) < absoluteMs;
}

/** Starts a session and returns its id for the cookie; ended sessions are swept out on the way. */
export function startSession(db: Db, username: string, now: Date, id = randomBytes(32).toString('base64url')): string {
  db.sessions = db.sessions.filter((s) => alive(s, now));
  const at = now.toISOString();
  db.sessions.push({ idHash: hash(id), username, createdAt: at, lastSeenAt: at });
  return id;
}

export function findSession(db: Readonly<Db>, id: string, now: Date): Session | undefined {
  const session = db.sessions.find((s) => s.idHash === hash(id));
  return session && alive(session, now) ? session : undefined;
}

/** Whether the session's last activity is old enough to be written down again. */
export function needsTouch(session: Session, now: Date): boolean {
  return now.getTime() - Date.parse(session.lastSeenAt) >= touchEveryMs;
}

export function touchSession(db: Db, id: string, now: Date): void {
  const session = db.sessions.find((s) => s.idHash === hash(id));
  if (session) session.lastSeenAt = now.toISOString();
}

export function endSession(db: Db, id: string): void {
  db.sessions = db.sessions.filter((s) => s.idHash !== hash(id));
}
