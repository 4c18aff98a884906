/**
 * Safe file paths for the image pack: a name a workflow gives is always relative to one of the
 * data folders and must stay inside it. Names with `..`, absolute paths, backslashes or null
 * bytes are refused outright; symlinks are followed and refused when they lead outside.
 */
import { lstat, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { SwitchyardError } from '../../engine/nodes/index.js';
import { IMAGE_EXTENSIONS } from './sniff.js';

function unsafe(name: string, why: string, label = 'path'): SwitchyardError {
  return new SwitchyardError('unsafe_path', `${label} ${JSON.stringify(name)} is not a safe relative path: ${why}`, { path: name, reason: why });
}

/**
 * The segments of a relative name, or the unsafe_path error saying why it is not one. Only
 * forward slashes separate folders, so the same name means the same file on every platform.
 */
export function relativeSegments(name: string, label = 'path'): string[] {
  if (name.length === 0) throw unsafe(name, 'it is empty', label);
  if (name.includes('\0')) throw unsafe(name, 'it contains a null byte', label);
  if (name.includes('\\')) throw unsafe(name, 'it contains a backslash (use "/" between folders)', label);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw unsafe(name, 'absolute paths are not allowed', label);
  const segments = name.split('/');
  for (const segment of segments) {
    if (segment === '..') throw unsafe(name, '".." would leave the folder', label);
    if (segment === '' || segment === '.') throw unsafe(name, 'it has an empty or "." folder name', label);
  }
  return segments;
}

/** The real path of a data folder; a missing one is reported by name rather than as a raw ENOENT. */
async function realFolder(folder: string): Promise<string> {
  try {
    return await realpath(folder);
  } catch (error) {
    throw new SwitchyardError('not_found', `folder ${folder} does not exist or cannot be read: ${(error as Error).message}`, { folder }, { cause: error });
  }
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real path of an existing file `name` inside `folder`; refuses escapes and non-files. */
export async function resolveFileInside(folder: string, name: string): Promise<string> {
  const segments = relativeSegments(name, 'image');
  const root = await realFolder(folder);
  let real: string;
  try {
    real = await realpath(join(root, ...segments));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SwitchyardError('not_found', `image file ${JSON.stringify(name)} was not found in the input folder`, { path: name });
    throw new SwitchyardError('invalid_image', `image file ${JSON.stringify(name)} could not be opened: ${(error as Error).message}`, { path: name }, { cause: error });
  }
  if (!isInside(root, real)) throw unsafe(name, 'it is a symlink that leads outside the folder', 'image');
  const info = await stat(real);
  if (!info.isFile()) throw new SwitchyardError('invalid_image', `${JSON.stringify(name)} is not a file`, { path: name });
  return real;
}

/**
 * Makes (or reuses) the subfolder `segments` of `folder` one level at a time, so a symlinked
 * level that leads outside is refused before anything is created behind it. Returns its real path.
 */
export async function ensureFolderInside(folder: string, segments: readonly string[], shownName: string, label = 'path'): Promise<string> {
  // The data folder itself is ours to create (it may have been removed while running).
  await mkdir(folder, { recursive: true });
  return (await walkFolderInside(folder, segments, shownName, label, true)) as string;
}

/**
 * The read-only twin of `ensureFolderInside`, for validation: refuses the same existing levels
 * (symlinks leading outside, files in the way) and creates nothing; levels that do not exist
 * yet are fine, the run creates them.
 */
export async function checkFolderInside(folder: string, segments: readonly string[], shownName: string, label = 'path'): Promise<void> {
  const exists = await stat(folder).then((info) => info.isDirectory(), () => false);
  if (exists) await walkFolderInside(folder, segments, shownName, label, false);
}

/** Walks (and with `create`, makes) `segments` below `folder`; undefined where a level is missing and `create` is off. */
async function walkFolderInside(folder: string, segments: readonly string[], shownName: string, label: string, create: boolean): Promise<string | undefined> {
  const root = await realFolder(folder);
  let current = root;
  for (const segment of segments) {
    const next = join(current, segment);
    let info = await lstat(next).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (!info) {
      if (!create) return undefined;
      await mkdir(next).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
      info = await lstat(next);
    }
    if (info.isSymbolicLink()) {
      const real = await realpath(next).catch(() => undefined);
      if (real === undefined) throw unsafe(shownName, `"${segment}" is a symlink that leads nowhere`, label);
      if (!isInside(root, real)) throw unsafe(shownName, 'a folder in it is a symlink that leads outside the folder', label);
      if (!(await stat(real)).isDirectory()) throw unsafe(shownName, `"${segment}" is not a folder`, label);
      current = real;
    } else if (info.isDirectory()) {
      current = next;
    } else {
      throw unsafe(shownName, `"${segment}" is a file, not a folder`, label);
    }
  }
  return current;
}

export interface ListOptions {
  /** Deepest folder level searched (the folder itself is 0). */
  maxDepth?: number;
  /** Stop after this many files, so a huge folder cannot stall the editor. */
  maxFiles?: number;
}

/**
 * Image files under `folder` by extension, as sorted relative names with "/". Hidden entries are
 * skipped; symlinks are listed only when they lead to a file inside the folder (folders reached
 * through symlinks are not walked, which also rules out loops).
 */
export async function listImageFiles(folder: string, options: ListOptions = {}): Promise<string[]> {
  const maxDepth = options.maxDepth ?? 8;
  const maxFiles = options.maxFiles ?? 10_000;
  let root: string;
  try {
    root = await realpath(folder);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (found.length >= maxFiles) return;
      if (entry.name.startsWith('.')) continue;
      const relative = prefix + entry.name;
      if (entry.isDirectory()) {
        if (depth < maxDepth) await walk(join(dir, entry.name), relative + '/', depth + 1);
        continue;
      }
      if (!IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
      if (entry.isFile()) found.push(relative);
      else if (entry.isSymbolicLink()) {
        const real = await realpath(join(dir, entry.name)).catch(() => undefined);
        if (real && isInside(root, real) && (await stat(real).then((info) => info.isFile(), () => false))) found.push(relative);
      }
    }
  };
  await walk(root, '', 0);
  return found.sort();
}
