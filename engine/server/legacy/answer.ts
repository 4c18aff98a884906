/**
 * The legacy answers' wire shapes (zod, snake_case like the Python API they replace) and the
 * kit a route's `answer` uses to read a finished run: the files its output nodes wrote (with a
 * URL, and the bytes as base64 when the client asked), the texts they showed, and its timing.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RunRecord } from '../../queue/types.js';
import { fileUrl } from '../api/runs-schemas.js';
import { resolveSafeFile } from '../files/safe-path.js';
import { contentTypeFor } from '../files/sniff.js';

export const LegacyFileSchema = z.object({
  filename: z.string(),
  subfolder: z.string(),
  type: z.enum(['output', 'input', 'temp']),
  url: z.string().describe('Where to fetch the file, relative to the server'),
  mime_type: z.string(),
  base64: z.string().optional().describe('The file itself, when the request asked for it (return_base64)'),
});
export type LegacyFile = z.infer<typeof LegacyFileSchema>;

/** Fields every successful synchronous answer has. */
const Common = {
  success: z.literal(true),
  model: z.string().describe('The model family the route serves (flux, blip, svd, …)'),
  run_id: z.string().describe('The run behind the answer: GET /api/runs/<run_id> has its full record'),
  elapsed_ms: z.number().int().nonnegative().describe('Execution time of the run'),
  queued_ms: z.number().int().nonnegative().describe('Time the run waited in the queue'),
  warnings: z.array(z.string()).optional().describe('Ignored request fields and similar notes'),
};

export const ImagesAnswerSchema = z.object({
  ...Common,
  images: z.array(LegacyFileSchema),
  seed: z.number().int().nonnegative(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  steps: z.number().int().optional(),
});

export const CaptionAnswerSchema = z.object({
  ...Common,
  caption: z.string(),
  prompt: z.string().optional(),
});

export const VideoAnswerSchema = z.object({
  ...Common,
  video: LegacyFileSchema,
  frames: z.number().int().nullable().describe('Frames asked for; null when the input (audio) decides'),
  fps: z.number(),
  seed: z.number().int().nonnegative(),
});

/** 202 answer of an `async` request. */
export const AcceptedAnswerSchema = z.object({
  success: z.literal(true),
  status: z.literal('queued'),
  run_id: z.string(),
  position: z.number().int().nonnegative().nullable().describe('Runs ahead of it; null when it already started'),
  status_url: z.string().describe('Poll this (GET) for the run record and its outputs'),
  warnings: z.array(z.string()).optional(),
});

export interface FileOptions {
  /** Include each file's bytes as base64. */
  base64?: boolean;
}

export interface AnswerKit {
  readonly run: RunRecord;
  /** Every image the run's output nodes recorded, in the order the nodes ran. */
  images(options?: FileOptions): Promise<LegacyFile[]>;
  /** Every video (ui `videos`, or animated images) the run's output nodes recorded. */
  videos(options?: FileOptions): Promise<LegacyFile[]>;
  audio(options?: FileOptions): Promise<LegacyFile[]>;
  /** Every text the run's output nodes showed. */
  texts(): string[];
  /** run_id, elapsed_ms, queued_ms. */
  timing(): { run_id: string; elapsed_ms: number; queued_ms: number };
}

interface FileRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'input' | 'temp';
}

export interface AnswerFolders {
  input: string;
  output: string;
  temp: string;
}

/** Output node ids in the order they ran (nodes missing from `executed`, e.g. cached, last). */
function outputOrder(run: RunRecord): string[] {
  const ids = Object.keys(run.outputs);
  const ran = run.executed.filter((id) => ids.includes(id));
  return [...ran, ...ids.filter((id) => !ran.includes(id))];
}

function refsOf(run: RunRecord, pick: (ui: RunRecord['outputs'][string]) => readonly FileRef[] | undefined): FileRef[] {
  return outputOrder(run).flatMap((id) => pick(run.outputs[id]!) ?? []);
}

export function answerKit(run: RunRecord, folders: AnswerFolders): AnswerKit {
  const describe = async (ref: FileRef, options: FileOptions = {}): Promise<LegacyFile> => {
    const relative = ref.subfolder === '' ? ref.filename : `${ref.subfolder}/${ref.filename}`;
    // Names come from our own run record; resolved safely all the same (never outside its folder).
    const file = await resolveSafeFile(folders[ref.type], relative, 'filename');
    const bytes = await readFile(file.path);
    return {
      filename: ref.filename,
      subfolder: ref.subfolder,
      type: ref.type,
      url: fileUrl(ref),
      mime_type: contentTypeFor(ref.filename, bytes.subarray(0, 512)),
      ...(options.base64 ? { base64: bytes.toString('base64') } : {}),
    };
  };
  const all = (refs: FileRef[], options?: FileOptions) => Promise.all(refs.map((ref) => describe(ref, options)));
  return {
    run,
    images: (options) => all(refsOf(run, (ui) => (ui.animated ? undefined : ui.images)), options),
    videos: (options) => all(refsOf(run, (ui) => [...(ui.videos ?? []), ...(ui.animated ? (ui.images ?? []) : [])]), options),
    audio: (options) => all(refsOf(run, (ui) => ui.audio), options),
    texts: () => outputOrder(run).flatMap((id) => run.outputs[id]!.text ?? []),
    timing: () => ({
      run_id: run.id,
      elapsed_ms: Math.max(0, (run.finishedAt ?? run.submittedAt) - (run.startedAt ?? run.submittedAt)),
      queued_ms: Math.max(0, (run.startedAt ?? run.finishedAt ?? run.submittedAt) - run.submittedAt),
    }),
  };
}
