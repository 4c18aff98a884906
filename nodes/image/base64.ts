/**
 * Strict base64 and `data:` URI decoding for images passed inline. Unlike Buffer.from(…,
 * 'base64'), which skips junk silently, this names the first problem and where it is, so a
 * user who pasted a broken string learns what to fix.
 */
import { SwitchyardError } from '../../engine/nodes/index.js';
import { MAX_IMAGE_BYTES } from './limits.js';

const BASE64_CHAR = /[A-Za-z0-9+/]/;
const DATA_URI = /^data:([^,]*),/i;

/** True for values meant as a data URI (checked case-insensitively, like browsers do). */
export function isDataUri(value: string): boolean {
  return value.slice(0, 5).toLowerCase() === 'data:';
}

function invalid(message: string, details: Record<string, unknown>): SwitchyardError {
  return new SwitchyardError('invalid_image', `image is not valid base64: ${message}`, details);
}

/**
 * Checks standard base64 (RFC 4648 alphabet, `=` padding required) strictly without decoding
 * it, and returns the number of bytes it decodes to. `offset` is where `text` starts inside the
 * value the user gave, so positions in messages point into that value.
 */
export function checkBase64Strict(text: string, offset = 0): number {
  if (text.length === 0) throw invalid('the data is empty', { position: offset });
  let padding = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '=') {
      padding++;
      continue;
    }
    const position = offset + index;
    if (padding > 0) throw invalid(`data continues after "=" padding at position ${position}`, { position });
    if (!BASE64_CHAR.test(char)) {
      const shown = char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : char;
      throw invalid(`invalid character ${JSON.stringify(shown)} at position ${position}`, { position, character: shown });
    }
  }
  if (padding > 2) throw invalid(`too much "=" padding (${padding}) at the end`, { padding });
  if (text.length % 4 !== 0) throw invalid(`length ${text.length} is not a multiple of 4 (missing or extra "=" padding)`, { length: text.length });
  const bytes = (text.length / 4) * 3 - padding;
  if (bytes > MAX_IMAGE_BYTES) {
    throw new SwitchyardError('invalid_image', `inline image is ${bytes} bytes, more than the limit of ${MAX_IMAGE_BYTES} bytes`, { bytes, limit: MAX_IMAGE_BYTES });
  }
  return bytes;
}

/** Decodes base64 checked by `checkBase64Strict` (same errors, same `offset`). */
export function decodeBase64Strict(text: string, offset = 0): Buffer {
  checkBase64Strict(text, offset);
  return Buffer.from(text, 'base64');
}

/**
 * The base64 payload of `data:[<mime>][;base64],<data>` and where it starts in the value;
 * refuses non-image MIME types and payloads that are not base64 (the only kind we take).
 */
export function dataUriPayload(value: string): { text: string; offset: number } {
  const match = DATA_URI.exec(value);
  if (!match) throw new SwitchyardError('invalid_image', 'image data URI has no "," before its data (expected data:image/png;base64,...)', {});
  const parameters = match[1]!.split(';').map((part) => part.trim().toLowerCase());
  const mime = parameters[0] ?? '';
  if (mime !== '' && !mime.startsWith('image/')) {
    throw new SwitchyardError('invalid_image', `image data URI declares ${JSON.stringify(mime)}, not an image/* type`, { mime });
  }
  if (!parameters.includes('base64')) {
    throw new SwitchyardError('invalid_image', 'image data URI must be base64-encoded (data:image/png;base64,...)', { mime });
  }
  return { text: value.slice(match[0].length), offset: match[0].length };
}

/** Decodes a `data:` URI (see `dataUriPayload`); only base64 payloads are accepted for images. */
export function decodeDataUri(value: string): Buffer {
  const { text, offset } = dataUriPayload(value);
  return decodeBase64Strict(text, offset);
}
