/**
 * Reading one of the run store's snapshot files at open: its shape (`{version, nextNumber,
 * runs}`), and what to do when it is not that — a truncated or corrupt file is moved aside as
 * `<name>.corrupt-<timestamp>` with the records that still read kept, so a damaged file never
 * stops the server and never silently disappears.
 *
 * Version 2 snapshots come with journal files (run-journal.ts) that hold the changes since; a
 * version 1 file (no journal) still reads. An older Switchyard refuses version 2 instead of
 * ignoring the journal and losing what it holds.
 */
import { access, copyFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { SwitchyardError } from '../errors.js';
import { RunRecordSchema, type RunRecord } from '../queue/types.js';
import type { DurableTextFile } from './durable-text-file.js';

export const STORE_FILE_VERSION = 2;

/** A file as written: records in no particular order (the queue sorts). */
export interface RunStoreFileData {
  version: number;
  /** The next submission number (kept in the queue file; the history file's is informative). */
  nextNumber: number;
  runs: RunRecord[];
}

const FileHeadSchema = z.object({
  /** 1: before the journal; 2: with it. */
  version: z.union([z.literal(1), z.literal(STORE_FILE_VERSION)]),
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
  const movedTo = await asideName(path);
  await rename(path, movedTo);
  return { file: path, movedTo, reason, salvaged };
}

/**
 * Keeps a copy of a damaged journal beside it (the original is still replayed, then removed by
 * the compaction that follows, so the copy is what remains of its bytes).
 */
export async function copyAside(path: string, reason: string, salvaged: number): Promise<CorruptFile> {
  const movedTo = await asideName(path);
  await copyFile(path, movedTo);
  return { file: path, movedTo, reason, salvaged };
}

async function asideName(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let name = `${path}.corrupt-${stamp}`;
  for (let n = 1; await exists(name); n++) name = `${path}.corrupt-${stamp}-${n}`;
  return name;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
