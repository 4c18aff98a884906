/**
 * The shape of one legacy endpoint in the route table: the old request body (a zod object, the
 * one source of its shape), the saved workflow it runs, how body fields become the workflow's
 * `"<nodeId>.<input>"` overrides, the node types it needs (and which pack brings them), and how
 * a finished run becomes the old API's answer. `defineLegacyRoute` checks one entry's types
 * and erases them so a table can list entries of different bodies.
 */
import type { z } from 'zod';
import type { ParamOverrides } from '../../runtime/params.js';
import type { RunRecord } from '../../queue/types.js';
import type { AnswerKit } from './answer.js';
import type { InlineMedia, InputFile } from './media.js';
import type { NodeNeed } from './needs.js';

/** Answers the input-folder file name of a body's media field (written before the run). */
export type MediaName = (value: InlineMedia | InputFile) => string;

export interface LegacyRouteSpec<Shape extends z.ZodRawShape, Answer> {
  /** e.g. `/api/generate/flux` (always POST). */
  path: string;
  summary: string;
  /** What the route does, for messages: "text-to-image". */
  task: string;
  /** The model family it serves, echoed in answers: "flux". */
  model: string;
  /** The saved workflow it runs, e.g. `legacy/generate-flux`. */
  workflow: string;
  body: z.ZodObject<Shape>;
  /** Other names clients use for a field: `{cfg: 'guidance_scale'}` (the canonical name wins when both are sent). */
  aliases?: Readonly<Record<string, string>>;
  response: z.ZodType<Answer>;
  /** The node types the workflow is planned to use, until its file exists (then the file's types count). */
  needs: readonly NodeNeed[];
  params(body: z.output<z.ZodObject<Shape>>, media: MediaName): ParamOverrides;
  answer(body: z.output<z.ZodObject<Shape>>, run: RunRecord, kit: AnswerKit): Promise<Answer>;
}

export type LegacyRoute = LegacyRouteSpec<z.ZodRawShape, unknown>;

export function defineLegacyRoute<Shape extends z.ZodRawShape, Answer>(spec: LegacyRouteSpec<Shape, Answer>): LegacyRoute {
  return spec as unknown as LegacyRoute;
}

/** Drops undefined values, so a field the client left out keeps the workflow's own value. */
export function definedParams(params: Record<string, unknown>): ParamOverrides {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}
