/**
 * File names for uploads. A client's name is a hint, not a path: folder parts are dropped
 * (browsers may send "C:\fakepath\cat.png"), but a name that tries to climb ("../x.png") or
 * carries a NUL byte is refused outright, so an attack is answered with 400 rather than quietly
 * "fixed". What remains is cleaned for every filesystem and for URLs (control and bidi
 * characters removed; `<>:"|?*%` replaced; no leading dot, so never hidden; Windows device names
 * such as CON defused; length capped) and always ends in the extension of the sniffed format.
 */
import { SwitchyardError } from '../../errors.js';
import type { SniffedMedia } from './sniff.js';

/** Longest stem (name without extension), in bytes of UTF-8. */
export const MAX_STEM_BYTES = 120;
const DEFAULT_STEM = 'upload';
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)$/i;
const REMOVED = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const REPLACED = /[<>:"|?*%]/g;

/** Cuts a string to at most `bytes` bytes of UTF-8 without splitting a character. */
function truncateUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let result = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    result += char;
    used += size;
  }
  return result;
}

/**
 * The stem (name without extension) to store an upload under, from the client's file name;
 * throws `unsafe_path` for names that try to leave the folder.
 */
export function uploadStem(clientName: string | undefined): string {
  if (clientName === undefined || clientName.trim() === '') return DEFAULT_STEM;
  if (clientName.includes('\0') || /%00/.test(clientName)) {
    throw new SwitchyardError('unsafe_path', `file name ${JSON.stringify(clientName)} contains a NUL byte`, { filename: clientName, reason: 'NUL byte' });
  }
  const folded = clientName.normalize('NFKC');
  for (const form of [clientName, folded]) {
    if (form.split(/[\\/]/).some((part) => part.trim() === '..' || /^\.\.[\s.]*$/.test(part))) {
      throw new SwitchyardError('unsafe_path', `file name ${JSON.stringify(clientName)} tries to leave its folder ("..")`, { filename: clientName, reason: '".." in the name' });
    }
    if (/%2e%2e|%2f|%5c/i.test(form)) {
      throw new SwitchyardError('unsafe_path', `file name ${JSON.stringify(clientName)} contains an encoded path separator or ".."`, { filename: clientName, reason: 'encoded path characters' });
    }
  }
  const base = clientName.normalize('NFC').split(/[\\/]/).pop()!;
  const dot = base.lastIndexOf('.');
  let stem = (dot > 0 ? base.slice(0, dot) : base).replace(REMOVED, '').replace(REPLACED, '_');
  stem = stem.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  if (stem === '') return DEFAULT_STEM;
  if (RESERVED.test(stem.split('.')[0]!)) stem = `_${stem}`;
  return truncateUtf8(stem, MAX_STEM_BYTES).replace(/[\s.]+$/, '') || DEFAULT_STEM;
}

/** The extension to store an upload with: the client's when it names the same format, else the canonical one. */
export function uploadExtension(clientName: string | undefined, media: SniffedMedia): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(clientName ?? '');
  const given = match ? `.${match[1]!.toLowerCase()}` : '';
  return given === media.extension || media.aliases.includes(given) ? given : media.extension;
}

/** `stem.ext`, then `stem (1).ext`, `stem (2).ext`… — the candidates tried until one is free. */
export function candidateName(stem: string, extension: string, attempt: number): string {
  return attempt === 0 ? `${stem}${extension}` : `${stem} (${attempt})${extension}`;
}
