/**
 * Files attached to an answer (issue 11): an `access` or `portability` request completed with the subject's
 * data as JSON, CSV, PDF, ZIP or plain text. Each file is checked by its content (check.ts), kept under
 * DATA_DIR/files by a random id, encrypted with DATA_KEY and verified by its SHA-256 when read (store.ts);
 * the name it came with is kept only for display (name.ts), never used in a path.
 *
 * ```ts
 * const checked = await checkFile(bytes, name);
 * if (checked.ok) record.files = [await files.save(bytes, name, checked.kind, now, expiresAt)];
 * const bytes = await files.read(record.files[0]);
 * ```
 */
export { checkFile } from './check.ts';
export { safeDisplayName } from './name.ts';
export { FileError, FileStore } from './store.ts';
export { defaultLimits, megabyte, type AnswerFileLimits } from './limits.ts';
export { extensions, fileKinds, mediaTypes, type FileKind, type StoredFile } from './kinds.ts';
