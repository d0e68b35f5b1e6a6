/** Every collection the store holds, each declared by its own area: what the server opens the data directory with. */
import { mailJobs } from './mail/jobs.ts';
import { marketingBans, requests, unconfirmedTallies } from './requests/collections.ts';
import { staffDigests } from './requests/digest.ts';
import { sessions } from './staff/sessions.ts';
import type { AnyCollection } from './store/collection.ts';

export const collections: AnyCollection[] = [requests, marketingBans, mailJobs, sessions, staffDigests, unconfirmedTallies];
