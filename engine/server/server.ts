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
import { createRequestListener } from './app.js';
import { createRateLimiter } from './security/rate-limit.js';
import { cachedDocument } from './http/cached-document.js';
import { createLogBuffer, type LogBuffer } from '../log/log-buffer.js';
import { prepareSettings } from './ops/settings.js';
import { createServerMetrics } from './ops/metrics.js';
import { forwardLogLines } from './ops/logs.js';
import { createLiveHub } from './live/hub.js';
import { attachSocketIo, SOCKET_IO_PATH } from './live/socketio.js';
import { attachComfyWs, COMFY_WS_PATHS } from './live/comfy-ws.js';
import { writeRawError } from './http/raw-error.js';
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
  const settings = await prepareSettings({ config: options.config, log, logs, engineCacheBytes: options.engine?.cacheBytes, engineSessionSettings: options.engine?.sessionSettings });
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
  // Model loads, evictions and unloads: counted, and broadcast to live clients as `model:*`.
  const stopModelEvents = engine.models.on((event) => {
    if (event.type === 'model_loaded') metrics.models.loaded();
    else if (event.type === 'model_evicted') metrics.models.evicted(event.reason);
    else if (event.type === 'model_unloaded') metrics.models.evicted('request');
    metrics.models.resident(engine.models.list().length, engine.models.loadedBytes);
    ctx.live.broadcast(`model:${event.type.slice('model_'.length)}`, event);
  });
  const handleRequest = createRequestListener(ctx);
  // Node's own answer to an HTTP/1.1 request without Host is an empty 400; ours has the JSON error shape.
  const http = createServer({ requireHostHeader: false }, (req, res) => {
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      const body = JSON.stringify({ error: { code: 'invalid_input', message: 'an HTTP/1.1 request needs a Host header', details: {} } });
      res.shouldKeepAlive = false;
      res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    handleRequest(req, res);
  });
  http.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const attached = attachments.map((attach) => attach(ctx, http));
  // Requests Node's HTTP parser refuses (bad framing, invalid bytes, oversized headers) get our JSON error shape too.
  http.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's own handler does: no answer once a response has begun on this socket.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message = status === 431 ? 'the request line or headers are too large' : status === 408 ? 'the request took too long to arrive' : `malformed HTTP request (${error.code ?? 'parse error'})`;
    // A HEAD request gets the head only (the parser may have failed after the method).
    const headOnly = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    writeRawError(socket, status, 'invalid_input', message, { details: { parser: error.code ?? null }, headOnly });
  });
  // Upgrades nobody above takes (any path but socket.io's and /ws) get a 404 instead of a hang.
  http.on('upgrade', (req, socket) => {
    // Parsed as comfy-ws parses it, so both agree on which paths are its own.
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      path = '(unparseable)';
    }
    // engine.io takes any raw target that starts with its path; comfy-ws the parsed paths it names.
    if ((req.url ?? '').startsWith(`${SOCKET_IO_PATH}/`) || COMFY_WS_PATHS.has(path)) return;
    socket.on('error', () => socket.destroy());
    writeRawError(socket, 404, 'not_found', `no WebSocket endpoint at ${path.slice(0, 200)}: use /socket.io/ (socket.io) or /ws (ComfyUI)`);
  });

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
      // From here submissions answer 503 `unavailable`; no new connection is accepted.
      ctx.closing = true;
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      try {
        // Running work finishes (or is interrupted after the timeout) and everything is persisted.
        // Live clients stay connected meanwhile, so they hear how the running run ends.
        await queue.close({ timeoutMs: config.shutdownTimeoutMs });
      } finally {
        metrics.dispose();
        stopForwardingLogs();
        stopModelEvents();
        // Every onnxruntime session is released (runs are over by now).
        await engine.models.close().catch((error: unknown) => log.error({ err: error }, 'releasing the loaded models failed'));
        await Promise.allSettled(attached.map((a) => a.close()));
        // Kept-alive and upgraded connections still open: nothing more will be answered on them.
        for (const socket of sockets) socket.destroy();
        await stopped;
      }
      log.info('switchyard stopped');
    })();
    return closing;
  };
  return { url, port: address.port, ctx, http, close };
}
