/**
 * Starting and stopping the server: engine, persisted queue, express app, socket attachments
 * (socket.io, ComfyUI's `/ws`), listening with clear failures (port taken, data folder not
 * usable), and a graceful shutdown that stops accepting, lets the running run finish or
 * persists it as interrupted, and closes every socket.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SwitchyardError } from '../errors.js';
import type { Logger } from '../nodes/context.js';
import { createEngine, type EngineOptions } from '../runtime/engine.js';
import { describeNodes } from '../nodes/describe.js';
import { openRunStore } from '../store/run-store.js';
import { createLocalQueue } from '../queue/local-queue.js';
import { executeWithExecutor } from '../queue/execute-with-executor.js';
import type { ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { createApp } from './app.js';
import { createRateLimiter } from './security/rate-limit.js';
import { cachedDocument } from './http/cached-document.js';
import { createLogBuffer, type LogBuffer } from '../log/log-buffer.js';
import { prepareSettings } from './ops/settings.js';
import { createServerMetrics } from './ops/metrics.js';
import { forwardLogLines } from './ops/logs.js';
import { createLiveHub } from './live/hub.js';
import { attachSocketIo } from './live/socketio.js';
import { attachComfyWs } from './live/comfy-ws.js';
import { createWorkflowStore } from '../store/workflow-store.js';

/** Something bound to the HTTP server besides express (a socket server); closed at shutdown. */
export interface Attachment {
  close(): Promise<void>;
}

/** Socket servers to attach, each given the context and the HTTP server. */
const attachments: ((ctx: ServerContext, server: Server) => Attachment)[] = [
  attachSocketIo,
  attachComfyWs,
];

export interface StartServerOptions {
  config: ServerConfig;
  log: Logger;
  /** Engine options besides the data folder and logger (tests pass extra packs here). */
  engine?: Partial<Omit<EngineOptions, 'dataDir' | 'log'>>;
  /** The buffer `log` writes into (createServerLogger's); without one, `GET /api/logs` says nothing is captured. */
  logBuffer?: LogBuffer;
}

export interface RunningServer {
  /** `http://host:port` as a client should call it. */
  readonly url: string;
  readonly port: number;
  readonly ctx: ServerContext;
  readonly http: Server;
  /** Graceful shutdown; safe to call more than once. */
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new SwitchyardError('usage', `port ${port} on ${host} is already in use: stop the other server or choose another port with --port`, { host, port }));
      else if (error.code === 'EACCES') reject(new SwitchyardError('usage', `not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`, { host, port }));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new SwitchyardError('usage', `cannot listen on ${host}: no such address on this machine`, { host }));
      else reject(new SwitchyardError('usage', `cannot listen on ${host}:${port}: ${error.message}`, { host, port, errno: error.code }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { log } = options;
  const logs = options.logBuffer ?? createLogBuffer();
  // The operator's stored settings lie over the configuration (see ops/settings.ts).
  const settings = await prepareSettings({ config: options.config, log, logs, engineCacheBytes: options.engine?.cacheBytes });
  const { config } = settings;
  const engine = await createEngine({ ...options.engine, ...settings.engine, dataDir: config.dataDir, log });
  const store = await openRunStore({ dataDir: engine.folders.root, log, historyCap: config.historyCap, fsync: config.storeFsync });
  if (store.recovery.interrupted.length > 0) log.warn({ runs: store.recovery.interrupted }, 'runs that were executing when the server stopped are marked interrupted');
  for (const corrupt of store.recovery.corrupt) log.error({ corrupt }, 'a store file was unreadable and was moved aside');
  const queue = createLocalQueue({ store, execute: executeWithExecutor(engine.executor), log, concurrency: config.queueConcurrency, closeTimeoutMs: config.shutdownTimeoutMs });
  const metrics = createServerMetrics({ queue, cacheStats: () => engine.cache.stats(), startedAt: Date.now(), log });
  const ctx: ServerContext = {
    config,
    engine,
    queue,
    log,
    startedAt: Date.now(),
    submitLimiter: createRateLimiter(config.submitRatePerSecond, config.submitBurst),
    nodesDocument: cachedDocument(() => describeNodes(engine.registry, { folders: engine.folders }, log), 2000, (error) => log.error({ err: error }, 'rebuilding the node descriptions failed; serving the previous ones')),
    live: createLiveHub(log),
    workflows: createWorkflowStore({ dataDir: engine.folders.root, log }),
    logs,
    settings: settings.state,
    metrics,
    storeRecovery: store.recovery,
    closing: false,
  };
  const stopForwardingLogs = forwardLogLines(ctx);
  const app = createApp(ctx);
  const http = createServer(app);
  http.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const attached = attachments.map((attach) => attach(ctx, http));

  let address: AddressInfo;
  try {
    address = await listen(http, config.host, config.port);
  } catch (error) {
    await Promise.allSettled(attached.map((a) => a.close()));
    await queue.close({ timeoutMs: 0 });
    metrics.dispose();
    stopForwardingLogs();
    throw error;
  }
  await queue.start();
  const url = `http://${urlHost(config.host)}:${address.port}`;
  log.info({ url }, 'switchyard is serving');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      ctx.closing = true;
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      // Running work finishes (or is interrupted after the timeout) and everything is persisted.
      await queue.close({ timeoutMs: config.shutdownTimeoutMs });
      metrics.dispose();
      stopForwardingLogs();
      await Promise.allSettled(attached.map((a) => a.close()));
      for (const socket of sockets) socket.destroy();
      await stopped;
      log.info('switchyard stopped');
    })();
    return closing;
  };
  return { url, port: address.port, ctx, http, close };
}
