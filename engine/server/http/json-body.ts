/**
 * Checks a JSON request body before it is parsed (body-parser's `verify` hook): at most
 * `MAX_JSON_DEPTH` levels of nesting and valid UTF-8. `JSON.parse` takes 100,000 levels, but
 * `JSON.stringify`, `structuredClone` and every recursive walk overflow the stack at a few
 * thousand — so a deep value accepted here would fail later (persisting a run, saving a
 * workflow) as a 500. Invalid UTF-8 would otherwise be replaced by U+FFFD without a word.
 * A refusal is a 400 `invalid_json` (errors.ts unwraps it from body-parser's error).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { SwitchyardError } from '../../errors.js';

/** Deeper than any workflow, prompt or settings document; far below where recursion fails. */
export const MAX_JSON_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/** How deep the arrays and objects of a JSON text nest (strings skipped); stops counting past `limit`. */
export function jsonNestingDepth(text: Uint8Array | string, limit = Infinity): number {
  // Two copies of one loop, so each reads its input directly (this runs over every request body).
  return typeof text === 'string' ? stringDepth(text, limit) : bytesDepth(text, limit);
}

function bytesDepth(text: Uint8Array, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text[index]!;
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
  }
  return deepest;
}

function stringDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
  }
  return deepest;
}

function isUtf8Charset(encoding: string | null): boolean {
  return encoding === null || /^utf-?8$/i.test(encoding);
}

/** Throws `invalid_json` for a body nested deeper than `maxDepth` or, as UTF-8, not valid UTF-8. */
export function checkJsonBody(body: Buffer, encoding: string | null, maxDepth = MAX_JSON_DEPTH): void {
  let text: Uint8Array | string = body;
  if (isUtf8Charset(encoding)) {
    if (!isUtf8(body)) throw new SwitchyardError('invalid_json', 'request body is not valid UTF-8 (JSON must be UTF-8 encoded)', {});
  } else {
    try {
      text = new TextDecoder(encoding!).decode(body);
    } catch {
      // A charset TextDecoder does not know: body-parser decodes it (or refuses it) itself.
      return;
    }
  }
  if (jsonNestingDepth(text, maxDepth) > maxDepth) {
    throw new SwitchyardError('invalid_json', `request body nests arrays and objects more than ${maxDepth} levels deep`, { maxDepth });
  }
}

/**
 * For `express.json({ verify: verifyJsonBody })`. body-parser wraps what this throws with
 * http-errors, which assigns `status` — a SwitchyardError's is a getter — so the reason
 * travels as the `cause` of a plain error with the status body-parser keeps.
 */
export function verifyJsonBody(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string | null): void {
  try {
    checkJsonBody(body, encoding);
  } catch (error) {
    throw Object.assign(new Error((error as Error).message, { cause: error }), { status: 400, type: 'entity.verify.failed' });
  }
}
