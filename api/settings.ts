/** The environment, read once into typed settings; a clear error names every bad variable. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as v from 'valibot';
import { defaultLimits, megabyte } from './files/limits.ts';
import { DataKey, KeyError } from './store/cipher.ts';

const port = v.pipe(
  v.string(),
  v.regex(/^\d{1,5}$/, 'must be a whole number'),
  v.transform(Number),
  v.maxValue(65535, 'must be at most 65535'),
);
const count = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,6}$/, 'must be a whole number'),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
const nonEmpty = v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty'));
const url = (protocols: RegExp, what: string) =>
  v.pipe(nonEmpty, v.check((s) => URL.canParse(s) && protocols.test(new URL(s).protocol), `must be a URL (${what})`));
const flag = v.pipe(
  v.picklist(['', '0', '1', 'false', 'true'], 'must be true or false'),
  v.transform((s) => s === '1' || s === 'true'),
);

const Environment = v.object({
  PORT: v.optional(port, '4321'),
  HOST: v.optional(nonEmpty, '127.0.0.1'),
  DATA_DIR: v.optional(nonEmpty, './data'),
  PUBLIC_URL: v.optional(url(/^https?:$/, 'http or https'), 'http://localhost:4321'),
  SMTP_URL: v.optional(url(/^smtps?:$/, 'smtp:// or smtps://')),
  MAIL_FROM: v.optional(nonEmpty, 'Opinaika tietosuoja <tietosuoja@alfasoft.fi>'),
  TRUST_PROXY: v.optional(flag, ''),
  STAFF_NOTIFY_TO: v.optional(v.pipe(nonEmpty, v.email('must be an e-mail address'))),
  BACKUP_DIR: v.optional(nonEmpty, './backups'),
  BACKUP_KEEP_DAYS: v.optional(count(1, 36_500), '30'),
  RETENTION_MONTHS: v.optional(count(1, 1_200), '24'),
  // A completion's files are held in memory while they are checked: hence the bounds.
  FILE_MAX_MB: v.optional(count(1, 1024), String(defaultLimits.maxFileBytes / megabyte)),
  ANSWER_MAX_MB: v.optional(count(1, 1024), String(defaultLimits.maxAnswerBytes / megabyte)),
  DOWNLOAD_DAYS: v.optional(count(1, 365), String(defaultLimits.downloadDays)),
});

export type Settings = {
  /** 0 asks the system for a free port (tests). */
  port: number;
  host: string;
  dataDir: string;
  /** Where people reach the site: e-mail links start with it, and only it may post forms. */
  publicUrl: string;
  /** Unset: mail goes to DATA_DIR/outbox as .eml files. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Only behind our own reverse proxy is X-Forwarded-For believed. */
  trustProxy: boolean;
  /** Told of each new confirmed request (reference and link only); unset, nobody is. */
  staffNotifyTo: string | undefined;
  /** Continuous and full backups go there: another disk, or a mounted remote. */
  backupDir: string;
  /** Backups older than this go, except what a restore to any moment of these days needs. */
  backupKeepDays: number;
  /** Closed requests are pseudonymised this long after they were closed. */
  retentionMonths: number;
  /** Unset: the data directory is stored unencrypted (the server warns). */
  dataKey: DataKey | undefined;
  /** The largest file staff may attach to an answer, in MiB. */
  fileMaxMb: number;
  /** The most one answer may post, its files together, in MiB; at least fileMaxMb. */
  answerMaxMb: number;
  /** How many days the subject may download an answer's files. */
  downloadDays: number;
};

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** The settings for an operator's command: a mistake is told in Finnish on `err`, and the command then stops. */
export function commandSettings(env: Record<string, string | undefined>, err: (line: string) => void): Settings | undefined {
  try {
    return readSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    err(`Ympäristön asetuksissa on virhe, joten komentoa ei suoritettu: ${error.message}`);
    return undefined;
  }
}

export function readSettings(env: Record<string, string | undefined>): Settings {
  const result = v.safeParse(Environment, env);
  if (!result.success) {
    const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? 'environment'} ${issue.message}`);
    throw new SettingsError(`Invalid settings: ${problems.join('; ')}`);
  }
  if (isInside(resolve(result.output.BACKUP_DIR), resolve(result.output.DATA_DIR))) {
    throw new SettingsError('Invalid settings: BACKUP_DIR must not be DATA_DIR or inside it: the backups must outlive the data directory');
  }
  const { PORT, HOST, DATA_DIR, PUBLIC_URL, SMTP_URL, MAIL_FROM, TRUST_PROXY, STAFF_NOTIFY_TO, BACKUP_DIR, BACKUP_KEEP_DAYS, RETENTION_MONTHS } = result.output;
  const { FILE_MAX_MB, ANSWER_MAX_MB, DOWNLOAD_DAYS } = result.output;
  if (ANSWER_MAX_MB < FILE_MAX_MB) {
    throw new SettingsError('Invalid settings: ANSWER_MAX_MB must be at least FILE_MAX_MB: one answer must have room for its largest file');
  }
  return {
    port: PORT,
    host: HOST,
    dataDir: DATA_DIR,
    publicUrl: new URL(PUBLIC_URL).origin,
    smtpUrl: SMTP_URL,
    mailFrom: MAIL_FROM,
    trustProxy: TRUST_PROXY,
    staffNotifyTo: STAFF_NOTIFY_TO,
    backupDir: BACKUP_DIR,
    backupKeepDays: BACKUP_KEEP_DAYS,
    retentionMonths: RETENTION_MONTHS,
    dataKey: readKey(env, 'DATA_KEY'),
    fileMaxMb: FILE_MAX_MB,
    answerMaxMb: ANSWER_MAX_MB,
    downloadDays: DOWNLOAD_DAYS,
  };
}

/** A key variable (DATA_KEY, NEW_DATA_KEY), or a SettingsError naming it; the value itself is never shown. */
export function readKey(env: Record<string, string | undefined>, variable: string): DataKey | undefined {
  try {
    return DataKey.parse(env[variable], variable);
  } catch (error) {
    if (error instanceof KeyError) throw new SettingsError(`Invalid settings: ${error.message}`);
    throw error;
  }
}

/** Whether child is parent itself or lies inside it. */
export function isInside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path));
}
