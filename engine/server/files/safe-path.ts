/**
 * The one door between a client-supplied name and the disk. A relative path from a URL or a
 * query parameter is decoded exactly once, checked segment by segment, resolved with realpath
 * and accepted only when the real file lies inside the real root. Every trick is refused with
 * `unsafe_path` (400) before the disk is touched: `..` in any encoding (raw, %2e, double-encoded
 * %252e — a `%XX` left after the one decoding is refused, never decoded again —, overlong UTF-8
 * such as %c0%ae, which is invalid UTF-8, and Unicode look-alikes that NFKC folds to dots or
 * slashes), backslashes, absolute paths, drive letters, NUL and control characters, and hidden
 * dot-files (a leading "." in any segment: they are ours — staging files, lowdb temp files —,
 * never outputs). Symlinks are followed but the real path must stay inside the real root, so a
 * link (or a linked folder) leading outside is refused; a missing file or a folder is 404.
 */
import { lstat, mkdir, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SwitchyardError } from '../../errors.js';

/** Longest relative path and longest segment (bytes of UTF-8) we accept. */
const MAX_PATH_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;
/** Deepest folder nesting a client may name. */
export const MAX_DEPTH = 16;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LEFTOVER_ESCAPE = /%[0-9a-f]{2}/i;
const DRIVE = /^[a-z]:/i;

function unsafe(shown: string, why: string, label: string): SwitchyardError {
  return new SwitchyardError('unsafe_path', `${label} ${JSON.stringify(shown)} is not a safe relative path: ${why}`, { [label]: shown, reason: why });
}

/**
 * Percent-decodes a raw URL path exactly once. The raw string is taken as Node hands over a
 * request target (each character one byte, latin1); the decoded bytes must be valid UTF-8,
 * which refuses overlong encodings such as %c0%ae. A malformed escape is refused too.
 */
export function decodeUrlPathOnce(raw: string, label = 'path'): string {
  const bytes: number[] = [];
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    if (code === 0x25) {
      const hex = raw.slice(index + 1, index + 3);
      if (!/^[0-9a-f]{2}$/i.test(hex)) throw unsafe(raw, `malformed percent-escape at position ${index}`, label);
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else if (code <= 0xff) {
      bytes.push(code);
    } else {
      // Not from Node's parser (which gives bytes): take the character as UTF-8.
      bytes.push(...Buffer.from(raw[index]!, 'utf8'));
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw unsafe(raw, 'it does not decode to valid UTF-8 (overlong or broken escapes)', label);
  }
}

/** The reasons one segment is refused, or undefined when it is a plain name. */
function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'it has an empty folder name (a doubled or trailing "/")';
  if (segment === '.' || segment === '..') return `"${segment}" is not allowed`;
  if (segment.startsWith('.')) return 'hidden names (starting with ".") are not served';
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `a name is longer than ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

/**
 * The segments of an already decoded relative path, or the `unsafe_path` error saying why it
 * is not one. Only "/" separates folders. `allowEmpty` accepts "" as the folder itself (an
 * empty subfolder).
 */
export function checkRelativePath(path: string, label = 'path', options: { allowEmpty?: boolean } = {}): string[] {
  if (path === '') {
    if (options.allowEmpty) return [];
    throw unsafe(path, 'it is empty', label);
  }
  if (path.includes('\0')) throw unsafe(path, 'it contains a NUL byte', label);
  if (CONTROL.test(path)) throw unsafe(path, 'it contains a control character', label);
  if (path.includes('\ufffd')) throw unsafe(path, 'it contains an undecodable character (broken UTF-8 escapes)', label);
  if (LEFTOVER_ESCAPE.test(path)) throw unsafe(path, 'it still contains a percent-escape after decoding (double encoding is refused)', label);
  if (path.includes('\\')) throw unsafe(path, 'it contains a backslash (use "/" between folders)', label);
  if (path.startsWith('/')) throw unsafe(path, 'absolute paths are not allowed', label);
  if (DRIVE.test(path)) throw unsafe(path, 'drive letters are not allowed', label);
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw unsafe(path, `it is longer than ${MAX_PATH_BYTES} bytes`, label);
  // Look-alikes: fullwidth dots and slashes, one/two-dot leaders… fold to what a lenient
  // filesystem or a later normalisation might make of them, and check that too.
  const folded = path.normalize('NFKC');
  if (folded !== path) {
    if (folded.includes('\\') || folded.includes('\0')) throw unsafe(path, 'it contains a character that folds to a backslash', label);
    if (folded.startsWith('/') || DRIVE.test(folded)) throw unsafe(path, 'it contains characters that fold to an absolute path', label);
    for (const segment of folded.split('/')) {
      if (segment === '.' || segment === '..' || segment.startsWith('.')) throw unsafe(path, 'it contains characters that fold to "." or ".."', label);
    }
  }
  const segments = path.split('/');
  if (segments.length > MAX_DEPTH) throw unsafe(path, `it is nested deeper than ${MAX_DEPTH} levels`, label);
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem) throw unsafe(path, problem, label);
  }
  return segments;
}

/** The real path of a data folder; a missing one is a server fault, reported by name. */
export async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch (error) {
    throw new SwitchyardError('internal', `data folder ${root} cannot be read: ${(error as Error).message}`, { folder: root }, { cause: error });
  }
}

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function unreadable(relativePath: string, label: string, cause: unknown): SwitchyardError {
  return new SwitchyardError('forbidden', `file ${JSON.stringify(relativePath)} cannot be read by the server`, { [label]: relativePath }, { cause });
}

export interface SafeFile {
  /** The real absolute path. */
  readonly path: string;
  /** The path relative to the root as the client named it ("a/b.png"). */
  readonly relative: string;
  readonly stats: Stats;
}

function notFound(relativePath: string, label: string): SwitchyardError {
  return new SwitchyardError('not_found', `no file ${JSON.stringify(relativePath)}`, { [label]: relativePath });
}

/**
 * The real path of the regular file `relativePath` (already decoded) inside `root`: checked
 * with `checkRelativePath`, resolved with realpath (symlinks followed), refused when the real
 * path leaves the real root or passes through a hidden name, 404 when missing or not a file.
 */
export async function resolveSafeFile(root: string, relativePath: string, label = 'path'): Promise<SafeFile> {
  const segments = checkRelativePath(relativePath, label);
  const rootReal = await realRoot(root);
  let real: string;
  try {
    real = await realpath(join(rootReal, ...segments));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') throw notFound(relativePath, label);
    if (code === 'EACCES' || code === 'EPERM') throw unreadable(relativePath, label, error);
    throw error;
  }
  if (!isInside(rootReal, real)) throw unsafe(relativePath, 'it leads outside its folder (through a symlink)', label);
  if (relative(rootReal, real).split(sep).some((segment) => segment.startsWith('.'))) throw unsafe(relativePath, 'it leads to a hidden name (through a symlink)', label);
  const stats = await stat(real);
  if (!stats.isFile()) throw notFound(relativePath, label);
  return { path: real, relative: segments.join('/'), stats };
}

/**
 * Opens a resolved file for reading without following a symlink swapped in since resolving,
 * and checks it is still the same regular file (same device and inode).
 */
export async function openSafeFile(file: SafeFile): Promise<{ handle: FileHandle; stats: Stats }> {
  let handle: FileHandle;
  try {
    handle = await open(file.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') throw notFound(file.relative, 'path');
    if (code === 'EACCES' || code === 'EPERM') throw unreadable(file.relative, 'path', error);
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.ino !== file.stats.ino || stats.dev !== file.stats.dev) throw notFound(file.relative, 'path');
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Makes (or reuses) the subfolder `segments` (checked by `checkRelativePath`) of `root` one
 * level at a time, so a symlinked level that leads outside (or to a hidden name) is refused
 * before anything is created behind it. Returns the real path of the folder.
 */
export async function ensureFolderInside(root: string, segments: readonly string[], shown: string, label = 'subfolder'): Promise<string> {
  const rootReal = await realRoot(root);
  let current = rootReal;
  for (const segment of segments) {
    const next = join(current, segment);
    let info = await lstat(next).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (!info) {
      await mkdir(next).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
      info = await lstat(next);
    }
    if (info.isSymbolicLink()) {
      const real = await realpath(next).catch(() => undefined);
      if (real === undefined) throw unsafe(shown, `"${segment}" is a symlink that leads nowhere`, label);
      if (!isInside(rootReal, real) || relative(rootReal, real).split(sep).some((s) => s.startsWith('.'))) throw unsafe(shown, `"${segment}" is a symlink that leads outside its folder`, label);
      if (!(await stat(real)).isDirectory()) throw new SwitchyardError('conflict', `${label} ${JSON.stringify(shown)}: "${segment}" is a file, not a folder`, { [label]: shown });
      current = real;
    } else if (info.isDirectory()) {
      current = next;
    } else {
      throw new SwitchyardError('conflict', `${label} ${JSON.stringify(shown)}: "${segment}" is a file, not a folder`, { [label]: shown });
    }
  }
  return current;
}

/**
 * The raw (still percent-encoded) path of a request after `prefix`, taken from the request
 * target exactly as sent — no URL parser in between, since WHATWG URL and `url.parse` rewrite
 * `..`, `%2e` and backslashes. Answers undefined when the target does not start with `prefix`.
 */
export function rawPathAfter(originalUrl: string, prefix: string): string | undefined {
  let target = originalUrl;
  const query = target.indexOf('?');
  if (query >= 0) target = target.slice(0, query);
  const fragment = target.indexOf('#');
  if (fragment >= 0) target = target.slice(0, fragment);
  // Absolute-form targets ("GET http://host/path"): drop scheme and authority only.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(target);
  if (absolute) target = target.slice(absolute[0].length);
  if (!target.startsWith(prefix)) return undefined;
  return target.slice(prefix.length);
}
