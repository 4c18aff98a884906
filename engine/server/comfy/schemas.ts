/**
 * What ComfyUI clients send to its HTTP routes, as zod schemas (the one source of these wire
 * shapes). Objects are loose: ComfyUI ignores keys it does not know, and so do we, so clients
 * written for newer ComfyUI versions keep working.
 */
import { z } from 'zod';

/** A prompt id as ComfyUI clients send it (it calls `str()` on whatever arrives). */
const PromptId = z.union([z.string().min(1).max(200), z.number().finite()]).transform(String);

/** `POST /prompt`. `prompt` is checked by the engine's workflow parser, not here. */
export const PromptBodySchema = z.looseObject({
  prompt: z.unknown().optional(),
  client_id: z.string().max(200).optional(),
  prompt_id: PromptId.optional(),
  front: z.boolean().optional(),
  /** ComfyUI's explicit queue number: accepted, but it does not reorder anything (our order is priority, then FIFO; use `front`). */
  number: z.number().finite().optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
  partial_execution_targets: z.array(z.string()).optional(),
});
export type PromptBody = z.infer<typeof PromptBodySchema>;

/** `POST /queue` and `POST /history`: clear everything, and/or delete some ids. */
export const QueueEditSchema = z.looseObject({
  clear: z.boolean().optional(),
  delete: z.array(PromptId).optional(),
});

/** `POST /interrupt`: every running prompt, or only this one. */
export const InterruptBodySchema = z.looseObject({
  prompt_id: PromptId.optional(),
});

/** `POST /free`. */
export const FreeBodySchema = z.looseObject({
  unload_models: z.boolean().optional(),
  free_memory: z.boolean().optional(),
});

const Count = z.string().regex(/^-?\d{1,9}$/, 'expected an integer').transform(Number);

/** `GET /history?max_items&offset` (offset -1, ComfyUI's default, means "the newest max_items"). */
export const HistoryQuerySchema = z.looseObject({
  max_items: Count.pipe(z.number().int().nonnegative()).optional(),
  offset: Count.optional(),
});
