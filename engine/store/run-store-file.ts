/**
 * Reading one of the run store's files at open: its shape (`{version, nextNumber, runs}`), and
 * what to do when it is not that — a truncated or corrupt file is moved aside as
 * `<name>.corrupt-<timestamp>` with the records that still read kept, so a damaged file never
 * stops the server and never silently disappears.
 */
import { access, rename } from 'node:fs/promises';
import { z } from 'zod';
import { SwitchyardError } from '../errors.js';
import { RunRecordSchema, type RunRecord } from '../queue/types.js';
import type { DurableTextFile } from './durable-text-file.js';

export const STORE_FILE_VERSION = 1;

/** A file as written: records in no particular order (the queue sorts). */
export interface RunStoreFileData {
  version: number;
  /** The next submission number (kept in the queue file; the history file's is informative). */
  nextNumber: number;
  runs: RunRecord[];
}

const FileHeadSchema = z.object({
  version: z.literal(STORE_FILE_VERSION),
  nextNumber: z.number().int().nonnegative(),
  runs: z.array(z.unknown()),
});

export interface LoadedStoreFile {
  runs: RunRecord[];
  nextNumber: number;
  /** Set when the file was unreadable in whole or part and has been moved aside. */
  corrupt?: CorruptFile;
}

export interface CorruptFile {
  file: string;
  movedTo: string;
  reason: string;
  /** Records that still read and were kept. */
  salvaged: number;
}

export async function loadStoreFile(file: DurableTextFile): Promise<LoadedStoreFile> {
  let text: string | null;
  try {
    text = await file.read();
  } catch (error) {
    throw new SwitchyardError('internal', `cannot read the run store ${file.path}: ${(error as Error).message}`, { file: file.path }, { cause: error });
  }
  if (text === null) return { runs: [], nextNumber: 0 };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { runs: [], nextNumber: 0, corrupt: await moveAside(file.path, `not valid JSON (${(error as Error).message})`, 0) };
  }

  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STORE_FILE_VERSION) {
    // A newer Switchyard wrote it: refuse rather than destroy what it knows and we do not.
    throw new SwitchyardError('usage', `the run store ${file.path} was written by a newer version (file version ${version}, this one reads ${STORE_FILE_VERSION})`, { file: file.path, version });
  }
  const head = FileHeadSchema.safeParse(raw);
  if (!head.success) {
    return { runs: [], nextNumber: 0, corrupt: await moveAside(file.path, `not a run store (${z.prettifyError(head.error).split('\n')[0]})`, 0) };
  }

  const runs: RunRecord[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  head.data.runs.forEach((candidate, index) => {
    const parsed = RunRecordSchema.safeParse(candidate);
    if (!parsed.success) problems.push(`record ${index}: ${z.prettifyError(parsed.error).split('\n')[0]}`);
    else if (seen.has(parsed.data.id)) problems.push(`record ${index}: duplicate id ${parsed.data.id}`);
    else {
      seen.add(parsed.data.id);
      runs.push(parsed.data);
    }
  });
  const nextNumber = runs.reduce((next, run) => Math.max(next, run.number + 1), head.data.nextNumber);
  if (problems.length === 0) return { runs, nextNumber };
  const reason = `${problems.length} unreadable record(s): ${problems.slice(0, 3).join('; ')}`;
  return { runs, nextNumber, corrupt: await moveAside(file.path, reason, runs.length) };
}

async function moveAside(path: string, reason: string, salvaged: number): Promise<CorruptFile> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let movedTo = `${path}.corrupt-${stamp}`;
  for (let n = 1; await exists(movedTo); n++) movedTo = `${path}.corrupt-${stamp}-${n}`;
  await rename(path, movedTo);
  return { file: path, movedTo, reason, salvaged };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
