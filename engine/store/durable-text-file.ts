/**
 * A lowdb adapter for one text file, written atomically and durably: the text goes to a temp
 * file beside it, is fsynced, then renamed over the file (and the folder fsynced), so after a
 * crash — of the process or the machine — the file holds the old content or the new, never a
 * mix. It moves text, not objects: the store serialises its snapshots itself, all at one
 * moment, before writing them one after another. One writer at a time per file.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export interface DurableTextFileOptions {
  /** fsync the temp file and the folder on every write (default true). Off only trades crash safety for speed. */
  fsync?: boolean;
}

export interface DurableTextFile extends Adapter<string> {
  readonly path: string;
  readonly tempPath: string;
}

export function durableTextFile(path: string, options: DurableTextFileOptions = {}): DurableTextFile {
  const fsync = options.fsync ?? true;
  const tempPath = join(dirname(path), `.${basename(path)}.tmp`);
  return {
    path,
    tempPath,
    async read(): Promise<string | null> {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(text: string): Promise<void> {
      try {
        const handle = await open(tempPath, 'w');
        try {
          await handle.writeFile(text, 'utf8');
          if (fsync) await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tempPath, path);
      } catch (error) {
        await rm(tempPath, { force: true }).catch(() => undefined);
        throw error;
      }
      if (fsync) await syncFolder(dirname(path));
    },
  };
}

/** Makes the rename itself durable. Some platforms cannot open a folder for syncing: that is not an error. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}
