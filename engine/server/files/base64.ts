/**
 * Strict decoding of uploads sent as JSON: plain base64 or a `data:` URI. Buffer.from(…,
 * 'base64') skips junk silently; this names the first bad character and its position (in the
 * string the client sent), or the padding problem, so a broken paste is easy to fix. Line
 * breaks and spaces (wrapped base64, as `base64` prints it) are allowed and skipped.
 */
import { SwitchyardError } from '../../errors.js';

const PLAIN = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether a UTF-16 code unit is in the standard base64 alphabet (without "="). */
function inAlphabet(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2f;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

function invalid(message: string, details: Record<string, unknown>): SwitchyardError {
  return new SwitchyardError('invalid_input', `data is not valid base64: ${message}`, details);
}

function shown(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : char;
}

/**
 * Checks standard base64 (RFC 4648 alphabet, "=" padding to a multiple of 4) and answers the
 * number of bytes it decodes to, without decoding. `offset` is where `text` starts in the
 * value the client sent, so positions in messages point into that value.
 */
export function checkBase64(text: string, offset = 0): number {
  // Fast path (native regex) for the usual unwrapped, well-formed payload.
  if (text.length > 0 && text.length % 4 === 0 && PLAIN.test(text)) return (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  let significant = 0;
  let padding = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (isWhitespace(code)) continue;
    const position = offset + index;
    if (code === 0x3d) {
      padding++;
      if (padding > 2) throw invalid(`too much "=" padding at position ${position} (at most two)`, { position });
      significant++;
      continue;
    }
    if (padding > 0) throw invalid(`data continues after "=" padding at position ${position}`, { position });
    if (!inAlphabet(code)) {
      const char = String.fromCodePoint(text.codePointAt(index)!);
      const hint = char === '-' || char === '_' ? ' (this looks like base64url: use the standard alphabet with "+" and "/")' : '';
      throw invalid(`invalid character ${JSON.stringify(shown(char))} at position ${position}${hint}`, { position, character: shown(char) });
    }
    significant++;
  }
  if (significant === 0) throw invalid('the data is empty', { position: offset });
  if (significant % 4 !== 0) {
    throw invalid(`its length (${significant} characters without line breaks) is not a multiple of 4: the "=" padding is missing or the data is cut short`, { length: significant });
  }
  return (significant / 4) * 3 - padding;
}

export interface InlineData {
  /** The base64 text and where it starts in the value. */
  text: string;
  offset: number;
  /** The MIME type a data URI declares ("" for plain base64 or a data URI without one). */
  declaredMime: string;
}

/** Splits a value into its base64 payload and declared type: a `data:[mime][;…];base64,` URI or plain base64. */
export function inlineData(value: string): InlineData {
  if (value.slice(0, 5).toLowerCase() !== 'data:') return { text: value, offset: 0, declaredMime: '' };
  const comma = value.indexOf(',');
  if (comma < 0) throw new SwitchyardError('invalid_input', 'data URI has no "," before its data (expected data:image/png;base64,...)', {});
  const parameters = value.slice(5, comma).split(';').map((part) => part.trim());
  if (!parameters.slice(1).some((part) => part.toLowerCase() === 'base64')) {
    throw new SwitchyardError('invalid_input', 'data URI must be base64-encoded (data:<type>;base64,...)', { declared: parameters[0] });
  }
  return { text: value.slice(comma + 1), offset: comma + 1, declaredMime: parameters[0] ?? '' };
}

/** Decodes checked base64 (see `checkBase64`). */
export function decodeBase64(text: string, offset = 0): Buffer {
  checkBase64(text, offset);
  return Buffer.from(text, 'base64');
}
