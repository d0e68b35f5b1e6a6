/** The name an uploaded file is shown under: what it was called, with nothing in it that could mislead or break. */
import { fileText } from './messages.ts';

/** The longest display name, in code points. */
export const maxNameLength = 200;

/**
 * A file name as given, made safe to show and to offer as a download's name: only its last path part; no
 * control, format (bidi overrides, zero-width) or separator characters; none of the characters Windows refuses
 * in a name (`<>:"/\|?*`, which also keeps it out of the way of quoting); no leading dots or trailing dots and
 * spaces; whitespace runs as one space; at most 200 code points, keeping the extension; never empty.
 * It is never used in a path: files are stored by a random id.
 */
export function safeDisplayName(name: string): string {
  let text = name.toWellFormed().normalize('NFC');
  text = text.split(/[/\\]/).at(-1) ?? '';
  text = text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s.]+/u, '')
    .replace(/[\s.]+$/u, '');
  // CON, NUL, COM1 … open a device on Windows, whatever follows the dot.
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(text)) text = `_${text}`;
  const points = Array.from(text);
  if (points.length > maxNameLength) {
    const dot = text.lastIndexOf('.');
    const extension = dot > 0 ? Array.from(text.slice(dot)) : [];
    const kept = extension.length > 0 && extension.length <= 20 ? extension : [];
    text = points.slice(0, maxNameLength - kept.length).join('').replace(/[\s.]+$/u, '') + kept.join('');
  }
  return text === '' ? fileText.fallbackName : text;
}
