/**
 * The run store's journal format: JSON lines, one change per line, appended by group commits
 * (see run-store.ts for why). A commit is a batch of lines closed by a `commit` line:
 *
 *   {"op":"put","run":{…the whole RunRecord…}}        a run new to the disk, or replaced
 *   {"op":"patch","id":"…","set":{status,…}}          a stored run's changing fields (progress, start, end)
 *   {"op":"delete","ids":["…"]}                       runs removed (history deletion, history cap)
 *   {"op":"commit","next":42}                         the batch is whole; the next submission number
 *
 * Replay applies a batch only once its `commit` line is read, so a group commit is all or
 * nothing: lines after the last `commit` (a write the process died in the middle of, which was
 * never acknowledged) are a torn tail — ignored and reported, never fatal. A line that does not
 * read anywhere else is damage: it is skipped and reported, and the rest still applies.
 *
 * Every operation sets absolute values (a whole record, whole fields, a removal), so replaying
 * a journal onto a snapshot that already holds some of it ends in the same state: a journal
 * left behind by a compaction that died before deleting it is harmless.
 */
import { z } from 'zod';
import { RunRecordSchema, type RunRecord } from '../queue/types.js';

/** The fields of a record that change once it is stored; the rest (workflow, ids, …) never do. */
export const RunPatchSchema = RunRecordSchema.pick({
  status: true,
  priority: true,
  startedAt: true,
  finishedAt: true,
  executed: true,
  cached: true,
  skipped: true,
  outputs: true,
  errors: true,
  timings: true,
}).partial();
export type RunPatch = z.infer<typeof RunPatchSchema>;

export const JournalEntrySchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('put'), run: RunRecordSchema }),
  z.object({ op: z.literal('patch'), id: z.string().min(1), set: RunPatchSchema }),
  z.object({ op: z.literal('delete'), ids: z.array(z.string().min(1)) }),
  z.object({ op: z.literal('commit'), next: z.number().int().nonnegative() }),
]);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;
export type JournalChange = Exclude<JournalEntry, { op: 'commit' }>;

/** `runText`: `JSON.stringify(run)`, when the caller has it already. */
export function putLine(run: RunRecord, runText = JSON.stringify(run)): string {
  return `{"op":"put","run":${runText}}`;
}

export function patchLine(run: RunRecord): string {
  const set: RunPatch = {
    status: run.status,
    priority: run.priority,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    executed: run.executed,
    cached: run.cached,
    skipped: run.skipped,
    outputs: run.outputs,
    errors: run.errors,
    timings: run.timings,
  };
  return JSON.stringify({ op: 'patch', id: run.id, set });
}

export function deleteLine(ids: readonly string[]): string {
  return JSON.stringify({ op: 'delete', ids });
}

export function commitLine(next: number): string {
  return JSON.stringify({ op: 'commit', next });
}

export interface ParsedJournal {
  /** Whole batches in file order, each without its `commit` line. */
  batches: Array<{ changes: JournalChange[]; next: number }>;
  /** Lines after the last `commit` line (a write cut short): never acknowledged, ignored. */
  torn: { lines: number; bytes: number };
  /** Lines that do not read, before the tail (damage, not a crash): skipped. */
  problems: string[];
}

export function parseJournal(text: string): ParsedJournal {
  const batches: ParsedJournal['batches'] = [];
  const problems: string[] = [];
  let open: JournalChange[] = [];
  let openLines = 0;
  let openStart = 0;
  let openProblems: string[] = [];
  let lineStart = 0;
  let lineNumber = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    const whole = lineEnd !== -1;
    if (!whole) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    lineNumber += 1;
    if (openLines === 0) openStart = lineStart;
    lineStart = lineEnd + 1;
    if (line.trim() === '') continue;
    openLines += 1;
    const entry = whole ? readEntry(line) : undefined;
    if (entry === undefined || typeof entry === 'string') {
      // The last line without its newline is a write cut short; anywhere else a bad line is damage.
      if (whole) openProblems.push(`line ${lineNumber}: ${entry ?? 'unreadable'}`);
      continue;
    }
    if (entry.op === 'commit') {
      batches.push({ changes: open, next: entry.next });
      problems.push(...openProblems);
      open = [];
      openLines = 0;
      openProblems = [];
    } else {
      open.push(entry);
    }
  }
  const torn = openLines === 0 ? { lines: 0, bytes: 0 } : { lines: openLines, bytes: Buffer.byteLength(text.slice(openStart)) };
  return { batches, torn, problems };
}

/** The entry, or why the line is not one. */
function readEntry(line: string): JournalEntry | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = JournalEntrySchema.safeParse(raw);
  if (!parsed.success) return `not a journal entry (${z.prettifyError(parsed.error).split('\n')[0]})`;
  return parsed.data;
}

/** Applies one replayed change to the records; answers false for a patch of a run not there (removed later, or damage). */
export function applyChange(records: Map<string, RunRecord>, change: JournalChange): boolean {
  if (change.op === 'put') {
    records.set(change.run.id, change.run);
    return true;
  }
  if (change.op === 'delete') {
    for (const id of change.ids) records.delete(id);
    return true;
  }
  const record = records.get(change.id);
  if (!record) return false;
  records.set(change.id, { ...record, ...definedOnly(change.set) });
  return true;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
