/**
 * What a file's bytes say it is. Uploads are accepted or refused on this alone (never on the
 * client's claimed type or name), and served files get the sniffed type before the one their
 * extension suggests. The extension table holds only inert types: nothing we serve can run as
 * HTML, SVG or script in a browser, whatever its name.
 */
import { extname } from 'node:path';

export type MediaKind = 'image' | 'audio' | 'video';

export interface SniffedMedia {
  kind: MediaKind;
  /** The canonical MIME type. */
  mime: string;
  /** The canonical extension, with its dot. */
  extension: string;
  /** Other extensions that name the same format (kept when a client used one of them). */
  aliases: readonly string[];
}

/** Bytes a caller should read from the start of a file for `sniffMedia`. */
export const SNIFF_BYTES = 512;

const FORMATS = {
  png: { kind: 'image', mime: 'image/png', extension: '.png', aliases: [] },
  jpeg: { kind: 'image', mime: 'image/jpeg', extension: '.jpg', aliases: ['.jpeg', '.jpe', '.jfif'] },
  gif: { kind: 'image', mime: 'image/gif', extension: '.gif', aliases: [] },
  webp: { kind: 'image', mime: 'image/webp', extension: '.webp', aliases: [] },
  bmp: { kind: 'image', mime: 'image/bmp', extension: '.bmp', aliases: [] },
  tiff: { kind: 'image', mime: 'image/tiff', extension: '.tiff', aliases: ['.tif'] },
  avif: { kind: 'image', mime: 'image/avif', extension: '.avif', aliases: [] },
  heif: { kind: 'image', mime: 'image/heif', extension: '.heic', aliases: ['.heif'] },
  mp4: { kind: 'video', mime: 'video/mp4', extension: '.mp4', aliases: ['.m4v'] },
  mov: { kind: 'video', mime: 'video/quicktime', extension: '.mov', aliases: [] },
  m4a: { kind: 'audio', mime: 'audio/mp4', extension: '.m4a', aliases: [] },
  webm: { kind: 'video', mime: 'video/webm', extension: '.webm', aliases: [] },
  mkv: { kind: 'video', mime: 'video/x-matroska', extension: '.mkv', aliases: [] },
  wav: { kind: 'audio', mime: 'audio/wav', extension: '.wav', aliases: ['.wave'] },
  mp3: { kind: 'audio', mime: 'audio/mpeg', extension: '.mp3', aliases: [] },
  ogg: { kind: 'audio', mime: 'audio/ogg', extension: '.ogg', aliases: ['.oga', '.opus'] },
  flac: { kind: 'audio', mime: 'audio/flac', extension: '.flac', aliases: [] },
} as const satisfies Record<string, SniffedMedia>;

export type MediaFormat = keyof typeof FORMATS;

export function mediaOf(format: MediaFormat): SniffedMedia {
  return FORMATS[format];
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (bytes.length < end) return '';
  return String.fromCharCode(...bytes.subarray(start, end));
}

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((byte, index) => bytes[at + index] === byte);
}

/** ISO base media (mp4, mov, m4a, avif, heic): the major brand and the compatible brands of the `ftyp` box. */
function isoBrands(bytes: Uint8Array): string[] | undefined {
  if (ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const declared = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const end = Math.min(bytes.length, declared >= 16 ? declared : bytes.length);
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
  return brands;
}

function isoFormat(brands: readonly string[]): MediaFormat {
  const major = brands[0]!;
  if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif';
  if (brands.some((b) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(b))) return 'heif';
  if (major === 'M4A ' || major === 'M4B ') return 'm4a';
  if (major === 'qt  ') return 'mov';
  return 'mp4';
}

/** An MPEG audio frame header of layer III (a bare mp3 without an ID3 tag). */
function isMp3Frame(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || (bytes[1]! & 0xe0) !== 0xe0) return false;
  const version = (bytes[1]! >> 3) & 0x03;
  const layer = (bytes[1]! >> 1) & 0x03;
  const bitrate = bytes[2]! >> 4;
  const sampleRate = (bytes[2]! >> 2) & 0x03;
  return version !== 0x01 && layer === 0x01 && bitrate !== 0x0f && bitrate !== 0x00 && sampleRate !== 0x03;
}

/** Matroska/WebM: the EBML header names its document type within the first bytes. */
function ebmlFormat(bytes: Uint8Array): MediaFormat | undefined {
  if (!startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64))).toString('latin1');
  if (head.includes('webm')) return 'webm';
  if (head.includes('matroska')) return 'mkv';
  return undefined;
}

/** The format the leading bytes announce, or undefined for anything we do not recognise. */
export function sniffFormat(bytes: Uint8Array): MediaFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return 'wav';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  // "BM", then a plausible header size (BITMAPINFOHEADER family) 14 bytes in.
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 18 && [12, 40, 52, 56, 64, 108, 124].includes(bytes[14]! | (bytes[15]! << 8))) return 'bmp';
  const brands = isoBrands(bytes);
  if (brands) return isoFormat(brands);
  const ebml = ebmlFormat(bytes);
  if (ebml) return ebml;
  if (ascii(bytes, 0, 4) === 'OggS') return 'ogg';
  if (ascii(bytes, 0, 4) === 'fLaC') return 'flac';
  if (ascii(bytes, 0, 3) === 'ID3' || isMp3Frame(bytes)) return 'mp3';
  return undefined;
}

export function sniffMedia(bytes: Uint8Array): SniffedMedia | undefined {
  const format = sniffFormat(bytes);
  return format === undefined ? undefined : FORMATS[format];
}

/** Types served by extension when the bytes say nothing we know: inert ones only. */
const TEXT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

const BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ...Object.values(FORMATS).flatMap((format): [string, string][] => [format.extension, ...format.aliases].map((ext) => [ext, format.mime])),
  ...Object.entries(TEXT_TYPES),
]);

/** The type to serve a file with: what its bytes say, else its extension (inert types only), else octet-stream. */
export function contentTypeFor(name: string, head: Uint8Array): string {
  const sniffed = sniffMedia(head);
  if (sniffed) return sniffed.mime;
  return BY_EXTENSION.get(extname(name).toLowerCase()) ?? 'application/octet-stream';
}

/** Other spellings clients use for our canonical MIME types (data URIs, multipart parts). */
const MIME_ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-ms-bmp': 'image/bmp',
  'image/x-bmp': 'image/bmp',
  'image/heic': 'image/heif',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/x-flac': 'audio/flac',
  'audio/opus': 'audio/ogg',
  'audio/x-m4a': 'audio/mp4',
  'application/ogg': 'audio/ogg',
  'video/ogg': 'audio/ogg',
  'video/x-m4v': 'video/mp4',
  'video/mkv': 'video/x-matroska',
  'audio/webm': 'video/webm',
};

/** A declared MIME type in its canonical spelling (lower case, no parameters, aliases folded). */
export function canonicalMime(declared: string): string {
  const bare = declared.split(';')[0]!.trim().toLowerCase();
  return MIME_ALIASES[bare] ?? bare;
}

/** Whether a declared type agrees with the sniffed one (an empty or generic declaration agrees with anything). */
export function declaredTypeAgrees(declared: string, sniffed: SniffedMedia): boolean {
  const mime = canonicalMime(declared);
  if (mime === '' || mime === 'application/octet-stream') return true;
  return mime === sniffed.mime;
}
