/**
 * ComfyUI's plain WebSocket at `/ws?clientId=X` (and `/api/ws`), on the `ws` package with
 * `noServer`: this module takes the HTTP server's `upgrade` events for those paths only
 * (socket.io has its own under `/socket.io/`). The upgrade is refused with a plain HTTP answer
 * while the server shuts down (503), for a cross-site origin (403) and, when a token is
 * required, without it (401; `?token=`, `Authorization: Bearer` or `X-API-Key`).
 *
 * On connect a socket gets `status {status: {exec_info: {queue_remaining}}, sid}` (sid = its
 * clientId, or a generated one), and `executing` if a prompt of its client is running. Run
 * messages go to the sockets of the client id that submitted the run (comfy-bridge.ts);
 * `status` goes to everyone whenever the queue changes (coalesced to one per event-loop turn).
 * Messages from clients are ignored, as ComfyUI does. Dead sockets are found by ping.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { authRequired } from '../config.js';
import type { ServerContext } from '../context.js';
import { presentedToken, tokenMatches } from '../security/auth.js';
import { originAllowed } from '../security/origin.js';
import { writeRawError } from '../http/raw-error.js';
import type { Attachment } from '../server.js';
import { queueRemaining } from '../comfy/prompt.js';
import { createComfyBridge, type ComfyOutlet } from './comfy-bridge.js';

export const COMFY_WS_PATHS: ReadonlySet<string> = new Set(['/ws', '/api/ws']);
const HEARTBEAT_MS = 30_000;
/** A socket with this much unsent data gets no previews until it drains. */
const PREVIEW_BACKLOG_BYTES = 4 * 1024 * 1024;
const CLOSE_WAIT_MS = 1000;
const CLIENT_ID = /^[\w.:@-]{1,200}$/;

function parseUpgradeUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

export function attachComfyWs(ctx: ServerContext, http: Server): Attachment {
  const log = ctx.log.child({ component: 'comfy-ws' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });
  const byClient = new Map<string, Set<WebSocket>>();
  /** Greeted sockets: they hear `status` broadcasts. */
  const all = new Set<WebSocket>();
  /** Every open socket, greeted or not yet: what close() closes. */
  const open = new Set<WebSocket>();
  const alive = new WeakSet<WebSocket>();
  let closing = false;

  const outlet: ComfyOutlet = {
    has: (clientId) => byClient.has(clientId),
    send(clientId, message) {
      const sockets = byClient.get(clientId);
      if (!sockets) return;
      for (const socket of sockets) sendTo(socket, message);
    },
    canTakePreview(clientId) {
      for (const socket of byClient.get(clientId) ?? []) if (socket.bufferedAmount > PREVIEW_BACKLOG_BYTES) return false;
      return true;
    },
  };

  function sendTo(socket: WebSocket, message: string | Buffer): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(message, { binary: typeof message !== 'string' }, (error) => {
      if (error) log.debug({ err: error.message }, 'a /ws message could not be sent; the socket is closing');
    });
  }

  const bridge = createComfyBridge(ctx.queue, outlet, log);

  // ---- status broadcasts -----------------------------------------------------------------
  let statusScheduled: NodeJS.Immediate | undefined;
  function scheduleStatus(): void {
    if (statusScheduled !== undefined || all.size === 0 || closing) return;
    statusScheduled = setImmediate(() => {
      statusScheduled = undefined;
      queueRemaining(ctx).then((remaining) => {
        const message = JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: remaining } } } });
        for (const socket of all) sendTo(socket, message);
      }, (error: unknown) => log.error({ err: error }, 'could not count the queue for a /ws status message'));
    });
  }
  const unsubscribe = [ctx.queue.on('queued', scheduleStatus), ctx.queue.on('started', scheduleStatus), ctx.queue.on('finished', scheduleStatus)];

  // ---- connections -----------------------------------------------------------------------
  function forget(socket: WebSocket, sid: string): void {
    open.delete(socket);
    all.delete(socket);
    const sockets = byClient.get(sid);
    if (!sockets) return;
    sockets.delete(socket);
    if (sockets.size === 0) byClient.delete(sid);
  }

  async function onConnection(socket: WebSocket, sid: string): Promise<void> {
    open.add(socket);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('error', (error) => log.debug({ err: error.message, sid }, '/ws socket error'));
    socket.on('close', () => forget(socket, sid));
    // Incoming messages (ComfyUI's newer clients announce feature flags) need no answer.
    socket.on('message', () => undefined);
    let remaining = 0;
    try {
      remaining = await queueRemaining(ctx);
    } catch (error) {
      log.error({ err: error }, 'could not count the queue for a /ws greeting');
    }
    // Closed meanwhile, or shutting down (close() is closing this socket already).
    if (socket.readyState !== WebSocket.OPEN || closing) return;
    // The greeting goes first; only then does the socket join its client's messages.
    sendTo(socket, JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: remaining } }, sid } }));
    all.add(socket);
    let sockets = byClient.get(sid);
    if (!sockets) byClient.set(sid, (sockets = new Set()));
    sockets.add(socket);
    const current = bridge.currentNode(sid);
    if (current) sendTo(socket, JSON.stringify({ type: 'executing', data: { node: current.nodeId, display_node: current.nodeId, prompt_id: current.promptId } }));
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = parseUpgradeUrl(req);
    if (!url || !COMFY_WS_PATHS.has(url.pathname)) return;
    socket.on('error', (error) => log.debug({ err: error.message }, '/ws upgrade socket error'));
    if (closing || ctx.closing) return writeRawError(socket, 503, 'unavailable', 'the server is shutting down');
    if (!originAllowed(req, ctx.config.allowedOrigins)) {
      return writeRawError(socket, 403, 'forbidden', `cross-site WebSocket from origin ${String(req.headers.origin)} refused; add it to SWITCHYARD_ALLOWED_ORIGINS to allow it`);
    }
    if (authRequired(ctx.config)) {
      const presented = presentedToken(req);
      if (!tokenMatches(ctx.config.token!, presented)) {
        return writeRawError(socket, 401, 'unauthorized', presented === undefined ? 'this server requires an API token: add ?token=<token> or an Authorization: Bearer header' : 'the API token is not valid');
      }
    }
    const requested = url.searchParams.get('clientId');
    if (requested !== null && requested !== '' && !CLIENT_ID.test(requested)) {
      return writeRawError(socket, 400, 'invalid_input', 'clientId must be 1 to 200 letters, digits or ._:@- characters');
    }
    const sid = requested !== null && requested !== '' ? requested : randomUUID().replaceAll('-', '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      onConnection(ws, sid).catch((error: unknown) => log.error({ err: error, sid }, '/ws connection setup failed'));
    });
  }
  http.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const socket of all) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    async close() {
      if (closing) return;
      closing = true;
      http.off('upgrade', onUpgrade);
      clearInterval(heartbeat);
      if (statusScheduled !== undefined) clearImmediate(statusScheduled);
      for (const off of unsubscribe) off();
      bridge.dispose();
      const sockets = [...open];
      const closed = sockets.map((socket) => new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
      }));
      for (const socket of sockets) socket.close(1001, 'server shutting down');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS); })]);
      clearTimeout(timer);
      for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
