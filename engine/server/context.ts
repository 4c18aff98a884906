/**
 * What every route and socket handler shares: the configuration, the engine, the run queue and
 * the server's services. Built once in server.ts; handlers receive it and import nothing else
 * of the server's state.
 */
import type { Engine } from '../runtime/engine.js';
import type { RunQueue } from '../queue/types.js';
import type { Logger } from '../nodes/context.js';
import type { ServerConfig } from './config.js';
import type { RateLimiter } from './security/rate-limit.js';
import type { CachedDocument } from './http/cached-document.js';

export interface ServerContext {
  readonly config: ServerConfig;
  readonly engine: Engine;
  readonly queue: RunQueue;
  readonly log: Logger;
  /** Epoch ms when the server started. */
  readonly startedAt: number;
  readonly submitLimiter: RateLimiter;
  /** Node descriptions as served by `GET /api/nodes` (rebuilt when combo options may have changed). */
  readonly nodesDocument: CachedDocument;
  /** True once shutdown began: new submissions are refused with 503. */
  closing: boolean;
}
