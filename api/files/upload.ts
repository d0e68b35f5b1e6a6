/** The files posted with an answer, kept all or none: every one checked by its content first, then all stored. */
import type { Upload } from '../body/index.ts';
import { checkFile } from './check.ts';
import type { FileKind, StoredFile } from './kinds.ts';
import type { FileStore } from './store.ts';

export type Saved = { ok: true; files: StoredFile[] } | { ok: false; message: string };

/** Checks each file (the first refusal, naming its file, stores nothing), then stores them; a failed write leaves none behind. */
export async function saveUploads(store: FileStore, uploads: Upload[], now: Date, expiresAt: Date): Promise<Saved> {
  const accepted: { upload: Upload; kind: FileKind }[] = [];
  for (const upload of uploads) {
    const checked = await checkFile(upload.bytes, upload.name);
    if (!checked.ok) return checked;
    accepted.push({ upload, kind: checked.kind });
  }
  const files: StoredFile[] = [];
  try {
    for (const { upload, kind } of accepted) files.push(await store.save(upload.bytes, upload.name, kind, now, expiresAt));
  } catch (error) {
    await discard(store, files);
    throw error;
  }
  return { ok: true, files };
}

/** Removes stored files that their request did not take after all. */
export async function discard(store: FileStore, files: StoredFile[]): Promise<void> {
  await Promise.all(files.map((file) => store.delete(file.id).catch(() => undefined)));
}
