/** The kinds of file an answer may carry, and what the request record keeps of each stored file. */
export const fileKinds = ['json', 'csv', 'pdf', 'zip', 'text'] as const;
export type FileKind = (typeof fileKinds)[number];

/** One stored file, as the request record keeps it. */
export type StoredFile = {
  /** Random, base64url: the file's only name on disk. */
  id: string;
  /** The name it was given, made safe for display (safeDisplayName). */
  name: string;
  kind: FileKind;
  mediaType: string;
  /** The plain content's size. */
  bytes: number;
  /** Of the plain content, hex. */
  sha256: string;
  storedAt: string;
  /** Until when the subject may download it. */
  expiresAt: string;
  /** When it was deleted from disk (its time was over, or the request was pseudonymised). */
  deletedAt?: string;
};

/** What each kind is served as: the text kinds were checked to be UTF-8 (JSON is by definition). */
export const mediaTypes: Record<FileKind, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
  zip: 'application/zip',
  text: 'text/plain; charset=utf-8',
};

/** The one name ending each kind may have, so a downloaded file opens as what it is. */
export const extensions: Record<FileKind, string> = { json: '.json', csv: '.csv', pdf: '.pdf', zip: '.zip', text: '.txt' };
