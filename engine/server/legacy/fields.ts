/**
 * zod builders for the fields of legacy request bodies, so every route words its problems the
 * same way ("width: must be a multiple of 8, got 513"). Like the Python API they replace, numbers
 * may arrive as numeric strings and an optional field may be `null` (= not given). A seed is an
 * integer ≥ 0 — 0 is a seed like any other — and a missing one is drawn at random here, so the
 * answer can say which seed was used.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { describeFound } from '../../graph/untrusted.js';
import { InputFile, checkMedia, fileNameProblem, type InlineMedia, type LegacyMediaKind } from './media.js';

/** Largest seed accepted (the engine's INT range). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;
/** Largest decoded size of one inline image. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Largest decoded size of one inline audio clip. */
export const MAX_AUDIO_BYTES = 20 * 1024 * 1024;

/** A random seed in 0 … 2³²−1: small enough for consumers that take 32-bit seeds (as numpy does). */
export function drawSeed(): number {
  return randomInt(0, 2 ** 32);
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function numericString(value: unknown): unknown {
  return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
}

function requiredOr(kind: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${kind}, got ${describeFound(issue.input)}`);
}

export interface NumberOptions {
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  multipleOf?: number;
}

/** A required number within limits. */
export function numberField(options: NumberOptions) {
  let schema = z.number({ error: requiredOr(options.integer ? 'an integer' : 'a number') });
  if (options.integer) schema = schema.int({ error: (issue) => `must be a whole number, got ${String(issue.input)}` });
  schema = schema
    .min(options.min, { error: (issue) => `must be at least ${options.min}, got ${String(issue.input)}` })
    .max(options.max, { error: (issue) => `must be at most ${options.max}, got ${String(issue.input)}` });
  if (options.multipleOf !== undefined) {
    const step = options.multipleOf;
    schema = schema.multipleOf(step, { error: (issue) => `must be a multiple of ${step}, got ${String(issue.input)}` });
  }
  return z.preprocess(numericString, schema);
}

/** An optional number; absent or null gives `options.default`. */
export function optionalNumber(options: NumberOptions & { default: number }) {
  return numberField(options).nullish().transform((value) => value ?? options.default);
}

/** An image width/height: a multiple of 8 within limits. */
export function dimension(fallback: number, max = 2048) {
  return optionalNumber({ min: 64, max, integer: true, multipleOf: 8, default: fallback });
}

/** The seed: an integer 0 … 2⁵³−1; absent or null → a random one. -1 is refused, not read as "random". */
export function seedField() {
  const schema = z
    .number({ error: requiredOr('an integer') })
    .int({ error: (issue) => `must be a whole number, got ${String(issue.input)}` })
    .min(0, { error: (issue) => `must be 0 or more, got ${String(issue.input)} (0 is a valid seed; leave "seed" out for a random one)` })
    .max(MAX_SEED, { error: (issue) => `must be at most ${MAX_SEED}, got ${String(issue.input)}` });
  return z.preprocess(numericString, schema).nullish().transform((value) => value ?? drawSeed());
}

/** Required text; surrounding whitespace is trimmed and the rest must not be empty. */
export function requiredText(max = 10_000) {
  return z
    .string({ error: requiredOr('a string') })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: (issue) => `must be at most ${max} characters, got ${String((issue.input as string).length)}` });
}

/** Optional text; absent or null gives `fallback`. */
export function optionalText(fallback = '', max = 10_000) {
  return z
    .string({ error: requiredOr('a string') })
    .max(max, { error: (issue) => `must be at most ${max} characters, got ${String((issue.input as string).length)}` })
    .nullish()
    .transform((value) => value ?? fallback);
}

/** Optional text with no default (absent → undefined: the workflow's own value stays). */
export function maybeText(max = 200) {
  return z
    .string({ error: requiredOr('a string') })
    .trim()
    .min(1, { error: 'must not be empty when given' })
    .max(max, { error: (issue) => `must be at most ${max} characters, got ${String((issue.input as string).length)}` })
    .nullish()
    .transform((value) => value ?? undefined);
}

function booleanLike(value: unknown): unknown {
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  return value;
}

/** An optional flag: true/false (also "true"/"false", 1/0). */
export function flag(fallback = false) {
  return z
    .preprocess(booleanLike, z.boolean({ error: requiredOr('true or false') }))
    .nullish()
    .transform((value) => value ?? fallback);
}

/** Reads a flag value given outside a body (a query string), with the same words as `flag`. */
export function readFlag(value: unknown): boolean | undefined {
  const read = booleanLike(value);
  return typeof read === 'boolean' ? read : undefined;
}

function mediaString(kind: LegacyMediaKind, maxBytes: number) {
  return z.string({ error: requiredOr(`base64 ${kind} data or a data: URI (a string)`) }).transform((value, ctx): InlineMedia => {
    const checked = checkMedia(value, kind, maxBytes);
    if (checked.ok) return checked.value;
    ctx.issues.push({ code: 'custom', message: checked.message, input: value });
    return z.NEVER;
  });
}

/** A required inline image (base64 or data URI), checked strictly and recognised from its bytes. */
export function imageField(maxBytes = MAX_IMAGE_BYTES) {
  return mediaString('image', maxBytes);
}

/** An optional inline image. */
export function maybeImage(maxBytes = MAX_IMAGE_BYTES) {
  return mediaString('image', maxBytes).nullish().transform((value) => value ?? undefined);
}

/** A required inline audio clip (base64 or data URI). */
export function audioField(maxBytes = MAX_AUDIO_BYTES) {
  return mediaString('audio', maxBytes);
}

/**
 * The name of a file already in the input folder (e.g. from `POST /upload/image`): a relative
 * path with "/" between folders that cannot leave the folder. Existence is checked later.
 */
export function inputFileName() {
  return z
    .string({ error: requiredOr('a file name') })
    .min(1, { error: 'must not be empty' })
    .max(500, { error: 'must be at most 500 characters' })
    .superRefine((name, ctx) => {
      const problem = fileNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((name) => new InputFile(name))
    .nullish()
    .transform((value) => value ?? undefined);
}
