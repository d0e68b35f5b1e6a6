/**
 * Whether a file may be attached to an answer, judged by its content, never by its name alone: PDF and ZIP by
 * their signatures (file-type, which knows thousands, so a PNG or an EXE is recognised for what it is); every
 * other file must be UTF-8 text without NUL, and then its name says which text it is (.json must parse). The
 * name must not claim another kind than the content is: the file is later downloaded under that name.
 */
import { fileTypeFromBuffer } from 'file-type';
import { extensions, mediaTypes, type FileKind } from './kinds.ts';
import { fileText } from './messages.ts';
import { safeDisplayName } from './name.ts';

export type FileCheck = { ok: true; kind: FileKind; mediaType: string } | { ok: false; message: string };

const textKinds: readonly FileKind[] = ['json', 'csv', 'text'];

export async function checkFile(bytes: Uint8Array, name: string): Promise<FileCheck> {
  const shown = safeDisplayName(name);
  const refuse = (message: string): FileCheck => ({ ok: false, message });
  const accept = (kind: FileKind): FileCheck => ({ ok: true, kind, mediaType: mediaTypes[kind] });
  if (bytes.byteLength === 0) return refuse(fileText.empty(shown));
  const claimed = claimedKind(shown);
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.ext === 'pdf' || detected?.ext === 'zip') {
    return claimed === detected.ext ? accept(detected.ext) : refuse(fileText.wrongName(shown, detected.ext));
  }
  const text = utf8(bytes);
  if (text === undefined || text.includes('\0')) {
    // A binary file another format's signature names (PNG, EXE …), or none: either way not one we take.
    if (detected || claimed === undefined || !textKinds.includes(claimed)) return refuse(fileText.notAccepted(shown));
    return refuse(fileText.notText(shown, extensions[claimed]));
  }
  if (claimed === undefined || !textKinds.includes(claimed)) return refuse(fileText.wrongName(shown, 'text'));
  if (claimed === 'json' && !parses(text.replace(/^\uFEFF/, ''))) return refuse(fileText.notJson(shown));
  return accept(claimed);
}

/** The kind the name's ending claims, if it is one we take. */
function claimedKind(name: string): FileKind | undefined {
  const lower = name.toLowerCase();
  return (Object.keys(extensions) as FileKind[]).find((kind) => lower.endsWith(extensions[kind]));
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
