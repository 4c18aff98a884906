/**
 * Every error leaves the server in one shape, `{error: {code, message, details}}`, with the
 * HTTP status of its code. Body-parser failures, unknown routes and anything thrown by a route
 * are turned into it here; a 5xx is logged with its stack, a 4xx is the client's business.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ERROR_CODES, SwitchyardError, toSwitchyardError, type ErrorCode } from '../../errors.js';
import type { Logger } from '../../nodes/context.js';

/** Every error answer of the native API (the one source of its shape). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]).describe('Stable: clients may branch on it'),
    message: z.string().describe('For people: what went wrong and how to fix it'),
    details: z.record(z.string(), z.unknown()).describe('Structured facts (the bad path, limits, node errors…)'),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export function errorBody(error: SwitchyardError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

export function sendError(res: Response, error: unknown): void {
  const known = toSwitchyardError(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(known.status).json(errorBody(known));
}

/** What body-parser, the router and friends throw: an http-errors object with `type` and `status`. */
interface HttpLikeError {
  type?: string;
  status?: number;
  statusCode?: number;
  message?: string;
  limit?: number;
  length?: number;
  cause?: unknown;
}

function fromHttpError(error: HttpLikeError): SwitchyardError | undefined {
  switch (error.type) {
    case 'entity.verify.failed':
      // A body check (see json-body.ts) says why in its cause.
      if (error.cause instanceof SwitchyardError) return error.cause;
      break;
    case 'entity.too.large':
      return new SwitchyardError('payload_too_large', `request body is larger than the limit of ${error.limit ?? '?'} bytes`, { limit: error.limit, length: error.length });
    case 'entity.parse.failed':
      return new SwitchyardError('invalid_json', `request body is not valid JSON: ${error.message ?? ''}`.trim());
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new SwitchyardError('unsupported_media_type', error.message ?? 'unsupported body encoding');
    case 'request.aborted':
      return new SwitchyardError('invalid_input', 'the request was aborted by the client');
    default:
      break;
  }
  const status = error.status ?? error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new SwitchyardError(status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_input', error.message ?? `bad request (${status})`);
  }
  return undefined;
}

/**
 * Anything a route or middleware threw as a SwitchyardError: ours as is, a client error from
 * body-parser or the router (a bad body, a param that does not percent-decode) with its 4xx
 * code, anything else `internal`. Other error handlers (ComfyUI's shape) use it too.
 */
export function toHttpError(error: unknown): SwitchyardError {
  if (error instanceof SwitchyardError) return error;
  return (typeof error === 'object' && error !== null ? fromHttpError(error as HttpLikeError) : undefined) ?? toSwitchyardError(error);
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = toHttpError(error);
    if (known.status >= 500) log.error({ err: error, method: req.method, url: req.originalUrl, code: known.code }, 'request failed');
    sendError(res, known);
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, new SwitchyardError('not_found', `no route for ${req.method} ${req.path}`, { method: req.method, path: req.path }));
};
