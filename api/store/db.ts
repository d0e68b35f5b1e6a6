/** The shape of DATA_DIR/db.json, and an empty one for a new data directory. */
import type { MailJob } from '../mail/jobs.ts';
import type { RequestRecord } from '../requests/record.ts';
import type { Session } from '../staff/sessions.ts';

export type MarketingBan = { email: string; createdAt: string; requestId: string };

export type Db = {
  version: 1;
  requests: RequestRecord[];
  marketingBans: MarketingBan[];
  /** Mails not yet handed to the mail server; retried until they are. */
  mailQueue: MailJob[];
  /** Staff sessions; the accounts themselves are in staff.json, which the staff command writes. */
  sessions: Session[];
};

export function emptyDb(): Db {
  return { version: 1, requests: [], marketingBans: [], mailQueue: [], sessions: [] };
}
