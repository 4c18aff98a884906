/**
 * The `filename_prefix` of output nodes: "name" or "sub/folders/name", always relative to the
 * output folder. One set of rules for both moments it is checked: at validation (from the
 * literal, touching nothing) and again when files are written (the folder may have changed).
 */
import { SwitchyardError } from '../../engine/nodes/index.js';
import { checkFolderInside, relativeSegments } from './paths.js';

/** Leaves room for "_00001_.png" within the usual 255-byte file name limit. */
export const MAX_PREFIX_NAME_BYTES = 200;

export interface PrefixParts {
  /** Subfolders of the output folder, in order. */
  subfolders: string[];
  /** The file name part the counter is appended to. */
  base: string;
}

/**
 * Splits a prefix into subfolders and a file name part. Throws invalid_input for an empty or
 * overlong name and unsafe_path for `..`, absolute paths, backslashes or null bytes.
 */
export function filenamePrefixParts(prefix: string): PrefixParts {
  if (prefix.trim().length === 0) throw new SwitchyardError('invalid_input', 'filename_prefix must not be empty', { input: 'filename_prefix' });
  const segments = relativeSegments(prefix, 'filename_prefix');
  const base = segments[segments.length - 1]!;
  const bytes = Buffer.byteLength(base);
  if (bytes > MAX_PREFIX_NAME_BYTES) {
    throw new SwitchyardError('invalid_input', `filename_prefix: the file name part is ${bytes} bytes, more than ${MAX_PREFIX_NAME_BYTES}`, { input: 'filename_prefix' });
  }
  return { subfolders: segments.slice(0, -1), base };
}

/**
 * Validation of a literal prefix: the problem as a message, or undefined. Besides the name
 * rules, existing subfolders must not be files or symlinks leading out of `folder`; nothing is
 * created.
 */
export async function checkFilenamePrefix(prefix: string, folder: string): Promise<string | undefined> {
  try {
    const { subfolders } = filenamePrefixParts(prefix);
    await checkFolderInside(folder, subfolders, prefix, 'filename_prefix');
    return undefined;
  } catch (error) {
    if (error instanceof SwitchyardError) return error.message;
    throw error;
  }
}
