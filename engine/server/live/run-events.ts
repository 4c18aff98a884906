/**
 * Run events as live clients receive them: each executor RunEvent becomes a named event with a
 * JSON-safe, snake_case payload (zod schemas below document every one), and preview images
 * become small encoded frames — the first image of the batch, scaled to fit `maxSide` (512 px
 * by default), as JPEG (or PNG). Any transport (socket.io, ComfyUI's `/ws`) can use these.
 *
 * The end of a run is not taken from the executor: the transports announce it from the queue's
 * `finished` record (see `terminalEvent`), which is written to disk first — so a client that
 * hears `run:finished` finds the same outputs in `GET /api/runs/:id`.
 */
import sharp from 'sharp';
import { z } from 'zod';
import type { RunEvent } from '../../execute/events.js';
import type { ImageValue } from '../../nodes/values.js';
import type { RunRecord } from '../../queue/types.js';
import { RunSummarySchema, UiResultViewSchema, toRunSummary, withFileUrls } from '../api/runs-schemas.js';

// ---- payload schemas (documentation and the OpenAPI/AsyncAPI generator; not parsed at run time)

const RunId = z.string();
const NodeId = z.string();

export const RunQueuedPayloadSchema = z.object({ run_id: RunId, number: z.number().int(), priority: z.number(), client_id: z.string().nullable() });
export const RunStartedPayloadSchema = z.object({ run_id: RunId, nodes: z.array(NodeId).describe('Nodes planned to run or come from the cache') });
export const NodeStartedPayloadSchema = z.object({ run_id: RunId, node_id: NodeId, node_type: z.string() });
export const NodeCachedPayloadSchema = z.object({ run_id: RunId, node_ids: z.array(NodeId) });
export const NodeProgressPayloadSchema = z.object({ run_id: RunId, node_id: NodeId, done: z.number(), total: z.number() });
export const NodePreviewPayloadSchema = z.object({
  run_id: RunId,
  node_id: NodeId,
  mime: z.enum(['image/jpeg', 'image/png']),
  width: z.number().int(),
  height: z.number().int(),
  data: z.instanceof(Buffer).describe('The encoded image (binary)'),
});
export const NodeOutputPayloadSchema = z.object({
  run_id: RunId,
  node_id: NodeId,
  node_type: z.string(),
  ui: UiResultViewSchema.nullable().describe('What an output node shows: files (with url), texts'),
  duration_ms: z.number(),
  cached: z.boolean(),
});
export const NodeErrorPayloadSchema = z.object({
  run_id: RunId,
  node_id: NodeId,
  node_type: z.string(),
  code: z.string(),
  message: z.string(),
  inputs: z.record(z.string(), z.string()),
});
export const RunEndedPayloadSchema = z.object({ run_id: RunId, run: RunSummarySchema });
export const QueueChangedPayloadSchema = z.object({ queued: z.number().int(), running: z.number().int() });

export type NodePreviewPayload = z.infer<typeof NodePreviewPayloadSchema>;

/** The event names a run produces, in the order they can happen. */
export const RUN_EVENT_NAMES = [
  'run:queued', 'run:started', 'node:started', 'node:cached', 'node:progress', 'node:preview',
  'node:output', 'node:error', 'run:finished', 'run:failed', 'run:interrupted', 'run:cancelled',
] as const;
export type RunEventName = (typeof RUN_EVENT_NAMES)[number];

export interface WireEvent {
  name: RunEventName;
  payload: Record<string, unknown>;
}

/**
 * The wire form of an executor event; undefined for events the transports do not forward as
 * is (previews go through `encodePreview`; the run's end comes from `terminalEvent`).
 */
export function wireEvent(event: RunEvent): WireEvent | undefined {
  switch (event.type) {
    case 'run_started':
      return { name: 'run:started', payload: { run_id: event.runId, nodes: event.nodes } };
    case 'node_started':
      return { name: 'node:started', payload: { run_id: event.runId, node_id: event.nodeId, node_type: event.nodeType } };
    case 'node_cached':
      return { name: 'node:cached', payload: { run_id: event.runId, node_ids: event.nodeIds } };
    case 'progress':
      return { name: 'node:progress', payload: { run_id: event.runId, node_id: event.nodeId, done: event.done, total: event.total } };
    case 'node_output':
      return {
        name: 'node:output',
        payload: { run_id: event.runId, node_id: event.nodeId, node_type: event.nodeType, ui: event.ui ? withFileUrls(event.ui) : null, duration_ms: event.durationMs, cached: event.cached },
      };
    case 'node_error':
      return {
        name: 'node:error',
        payload: { run_id: event.runId, node_id: event.nodeId, node_type: event.nodeType, code: event.code, message: event.message, inputs: event.inputs },
      };
    case 'preview':
    case 'run_finished':
    case 'run_failed':
    case 'run_interrupted':
      return undefined;
    default:
      return undefined;
  }
}

/** `run:queued` from the queue's record. */
export function queuedEvent(record: RunRecord): WireEvent {
  return { name: 'run:queued', payload: { run_id: record.id, number: record.number, priority: record.priority, client_id: record.clientId ?? null } };
}

/** The run's last event, from its persisted record: finished (success), failed, interrupted or cancelled. */
export function terminalEvent(record: RunRecord): WireEvent | undefined {
  const name = ({ success: 'run:finished', error: 'run:failed', interrupted: 'run:interrupted', cancelled: 'run:cancelled' } as const)[record.status as 'success'];
  if (name === undefined) return undefined;
  return { name, payload: { run_id: record.id, run: toRunSummary(record) } };
}

// ---- previews ---------------------------------------------------------------------------------

export interface PreviewOptions {
  /** Longest side of the frame (default 512). */
  maxSide?: number;
  format?: 'jpeg' | 'png';
  /** JPEG quality (default 80). */
  quality?: number;
}

export interface EncodedPreview {
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  data: Buffer;
}

/**
 * The first image of the batch as an encoded frame no larger than `maxSide`. Large images are
 * first thinned by whole-pixel steps in JS (so at most about 2×maxSide per side reaches sharp),
 * then resampled and encoded by sharp off the main thread.
 */
export async function encodePreview(image: ImageValue, options: PreviewOptions = {}): Promise<EncodedPreview> {
  const maxSide = options.maxSide ?? 512;
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || image.data.length < width * height * 3) {
    throw new RangeError(`a preview image of ${width}x${height} with ${image.data.length} values cannot be shown`);
  }
  const step = Math.max(1, Math.floor(Math.max(width, height) / (2 * maxSide)));
  const w = Math.ceil(width / step);
  const h = Math.ceil(height / step);
  const pixels = Buffer.allocUnsafe(w * h * 3);
  const data = image.data;
  let out = 0;
  for (let y = 0; y < height; y += step) {
    let source = y * width * 3;
    for (let x = 0; x < width; x += step, source += 3 * step) {
      for (let c = 0; c < 3; c++) {
        const value = data[source + c]!;
        // NaN and out-of-range values clamp instead of wrapping.
        pixels[out++] = value > 0 ? (value < 1 ? Math.round(value * 255) : 255) : 0;
      }
    }
  }
  let pipeline = sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  const png = options.format === 'png';
  pipeline = png ? pipeline.png({ compressionLevel: 3 }) : pipeline.jpeg({ quality: options.quality ?? 80 });
  const { data: encoded, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { mime: png ? 'image/png' : 'image/jpeg', width: info.width, height: info.height, data: encoded };
}
