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
import type { LogBuffer } from '../log/log-buffer.js';
import type { StoreRecovery } from '../store/run-store.js';
import type { SettingsState } from './ops/settings.js';
import type { ServerMetrics } from './ops/metrics.js';
import type { LiveHub } from './live/hub.js';
import type { WorkflowStore } from '../store/workflow-store.js';

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
  /** Broadcasts to every live client (socket.io and other transports): log lines, model events. */
  readonly live: LiveHub;
  /** Saved workflows and the shipped examples. */
  readonly workflows: WorkflowStore;
  /** Recent log lines of the server's logger (`GET /api/logs`); `onLine` follows new ones. */
  readonly logs: LogBuffer;
  /** The operator's settings (`GET/PUT /api/settings`), persisted in the data folder. */
  readonly settings: SettingsState;
  /** Counters, gauges and histograms (`GET /api/metrics`, `GET /metrics`); the model manager reports through `metrics.models`. */
  readonly metrics: ServerMetrics;
  /** What opening the run store found (interrupted runs, corrupt files), for `GET /api/health`. */
  readonly storeRecovery: StoreRecovery;
  /** True once shutdown began: new submissions are refused with 503. */
  closing: boolean;
}
