/**
 * HTTP byte ranges for seeking in served video and audio: one range per request
 * (`bytes=a-b`, `bytes=a-`, `bytes=-n`). A range that cannot be served — past the end, end
 * before start, an empty file, a malformed `bytes=` spec — is `range_not_satisfiable` (416)
 * rather than silently ignored, so a broken player learns why; a list of several ranges or
 * another unit is ignored (RFC 9110 allows it) and the whole file is sent.
 */
import { SwitchyardError } from '../../errors.js';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

const SINGLE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i;

function notSatisfiable(header: string, size: number, why: string): SwitchyardError {
  return new SwitchyardError('range_not_satisfiable', `range ${JSON.stringify(header)} cannot be served for a file of ${size} bytes: ${why}`, { range: header, size });
}

/**
 * The range to send for a `Range` header, undefined to send the whole file, or a
 * `range_not_satisfiable` error (answered with `Content-Range: bytes *\/size`).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (!/^bytes=/i.test(trimmed)) return undefined;
  if (trimmed.includes(',')) return undefined;
  const match = SINGLE.exec(trimmed);
  if (!match) throw notSatisfiable(header, size, 'expected bytes=start-end, bytes=start- or bytes=-length');
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') throw notSatisfiable(header, size, 'neither a start nor a length is given');
  if (size === 0) throw notSatisfiable(header, size, 'the file is empty');
  if (first === '') {
    const length = Number(last);
    if (length === 0) throw notSatisfiable(header, size, 'a suffix of zero bytes is empty');
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  // Digit strings are non-negative; one too long to be exact is far past any file's end anyway.
  if (start >= size) throw notSatisfiable(header, size, 'it starts past the end of the file');
  if (last === '') return { start, end: size - 1 };
  const end = Number(last);
  if (end < start) throw notSatisfiable(header, size, 'its end comes before its start');
  return { start, end: Math.min(end, size - 1) };
}
