/**
 * socket.io live events at `/socket.io` (alongside ComfyUI's plain WebSocket at `/ws`, which
 * this server leaves alone: `destroyUpgrade: false`).
 *
 * Connecting: when the server requires a token, send it as `auth: {token}` (or the usual
 * bearer header / `?token=`); a wrong or missing one fails with a `connect_error` whose message
 * starts with "unauthorized". Browser sockets from another origin are refused unless listed in
 * SWITCHYARD_ALLOWED_ORIGINS. Optionally send `auth: {clientId}` to choose a stable client id.
 *
 * Who hears a run: the client that submitted it — submit with `client_id` equal to your socket
 * id (`socket.id`) or to the `clientId` you connected with — and anyone who subscribed to it:
 * `emit('subscribe', runId, ack)` → `ack({ok: true, run_id, status})` (status null while
 * the id is unknown: subscribing ahead of a submission with a chosen id works), or
 * `ack({ok: false, error: {code, message}})`; `'unsubscribe'` likewise. Subscribing to `"*"`
 * follows every run. A socket may hold 1,000 subscriptions.
 *
 * Events of a run (payloads: run-events.ts, snake_case, each with `run_id`), in order:
 *   `run:queued` → `run:started` → per node `node:started`, `node:progress` (at most ~20/s per
 *   node, the last always sent), `node:preview` (`{mime, width, height, data: <binary>}`, at
 *   most ~4/s per node, ≤ 512 px; a preview may trail its node's output), `node:cached`,
 *   `node:output` (files with `url`), `node:error` → one of `run:finished`, `run:failed`,
 *   `run:interrupted`, `run:cancelled` (`{run_id, run}`: the run as `GET /api/runs/:id` lists
 *   it, already persisted when the event is sent).
 * Broadcast to every client: `queue:changed` `{queued, running}` (coalesced, at most ~10/s, and
 * once on connect), `history:removed` `{ids}`, and whatever other parts send through
 * `ctx.live.broadcast` (`log`, `model:*`).
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import type { RunEvent, PreviewEvent, ProgressEvent } from '../../execute/events.js';
import type { RunRecord } from '../../queue/types.js';
import { authRequired } from '../config.js';
import type { ServerContext } from '../context.js';
import type { Attachment } from '../server.js';
import { presentedToken, tokenMatches } from '../security/auth.js';
import { originAllowed } from '../security/origin.js';
import { encodePreview, queuedEvent, terminalEvent, wireEvent, type WireEvent } from './run-events.js';
import { keyedThrottle } from './throttle.js';

export const SOCKET_IO_PATH = '/socket.io';
const ALL_RUNS_ROOM = 'runs:*';
const MAX_SUBSCRIPTIONS = 1000;
const PREVIEW_INTERVAL_MS = 250;
const PROGRESS_INTERVAL_MS = 50;
const QUEUE_CHANGED_INTERVAL_MS = 100;

const RunIdArgSchema = z.string().min(1).max(200);
const ClientIdSchema = z.string().min(1).max(200);

export interface SocketIoAttachment extends Attachment {
  readonly io: Server;
  /** Sends an event to every connected socket.io client. */
  broadcast(event: string, payload: unknown): void;
}

const runRoom = (runId: string) => `run:${runId}`;
const clientRoom = (clientId: string) => `client:${clientId}`;
const nodeKey = (runId: string, nodeId: string) => `${runId}\u0000${nodeId}`;

type Ack = (answer: Record<string, unknown>) => void;

function ackOf(value: unknown): Ack {
  return typeof value === 'function' ? (value as Ack) : () => undefined;
}

export function attachSocketIo(ctx: ServerContext, http: HttpServer): SocketIoAttachment {
  const { config, queue } = ctx;
  const log = ctx.log.child({ component: 'socket.io' });
  const allowed = config.allowedOrigins;
  const io = new Server(http, {
    path: SOCKET_IO_PATH,
    serveClient: false,
    // Upgrades for other paths (ComfyUI's /ws) are left to their own handler.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (req, callback) => {
      const ok = originAllowed(req, allowed);
      callback(ok ? null : 'cross-site socket refused: add the origin to SWITCHYARD_ALLOWED_ORIGINS', ok);
    },
    ...(allowed.length > 0 ? { cors: { origin: allowed.includes('*') ? true : [...allowed] } } : {}),
  });
  const namespace = io.of('/');

  if (authRequired(config)) {
    const token = config.token!;
    io.use((socket, next) => {
      const auth = socket.handshake.auth as Record<string, unknown> | undefined;
      const presented = typeof auth?.token === 'string' ? auth.token : presentedToken(socket.request);
      if (tokenMatches(token, presented)) return next();
      const error = new Error(presented === undefined
        ? 'unauthorized: this server requires an API token; connect with auth: {token}'
        : 'unauthorized: the API token is not valid') as Error & { data?: unknown };
      error.data = { code: 'unauthorized' };
      next(error);
    });
  }

  // ---- who hears a run

  /** Client ids of runs that are queued or running, for routing their events. */
  const clientOf = new Map<string, string>();

  const recipients = (runId: string): string[] => {
    // No socket connected (the common case under load from scripts): no room has members.
    if (namespace.sockets.size === 0) return [];
    const rooms = [runRoom(runId), ALL_RUNS_ROOM];
    const clientId = clientOf.get(runId);
    if (clientId !== undefined) rooms.push(clientId, clientRoom(clientId));
    return rooms.filter((room) => (namespace.adapter.rooms.get(room)?.size ?? 0) > 0);
  };

  /** The event goes to the run's recipients; it is only built when there are some. */
  const emitRun = (runId: string, event: () => WireEvent | undefined) => {
    const rooms = recipients(runId);
    if (rooms.length === 0) return;
    const wire = event();
    if (wire) io.to(rooms).emit(wire.name, wire.payload);
  };

  // ---- throttled progress and previews

  const progress = keyedThrottle<ProgressEvent>(PROGRESS_INTERVAL_MS, (_key, event) => emitRun(event.runId, () => wireEvent(event)));
  let closed = false;
  const previews = keyedThrottle<PreviewEvent>(PREVIEW_INTERVAL_MS, (_key, event) => {
    // Who hears it is decided now: the encoding may finish after the run ended and its routing is gone.
    const rooms = recipients(event.runId);
    if (rooms.length === 0) return;
    encodePreview(event.image)
      .then((frame) => {
        if (!closed) io.to(rooms).emit('node:preview', { run_id: event.runId, node_id: event.nodeId, ...frame });
      })
      .catch((error: unknown) => log.warn({ err: error, runId: event.runId, nodeId: event.nodeId }, 'a preview image could not be encoded; it was not sent'));
  });

  // ---- queue:changed, coalesced

  let countsTimer: NodeJS.Timeout | undefined;
  const sendCounts = async (to: Server | Socket) => {
    try {
      const counts = await queue.counts();
      to.emit('queue:changed', { queued: counts.queued, running: counts.running });
    } catch (error) {
      log.debug({ err: error }, 'queue counts unavailable (closing)');
    }
  };
  const queueChanged = () => {
    if (countsTimer !== undefined || closed || io.engine.clientsCount === 0) return;
    countsTimer = setTimeout(() => {
      countsTimer = undefined;
      void sendCounts(io);
    }, QUEUE_CHANGED_INTERVAL_MS);
    countsTimer.unref();
  };

  // ---- following the queue

  const remember = (record: RunRecord) => {
    if (record.clientId !== undefined) clientOf.set(record.id, record.clientId);
  };
  const onRunEvent = (event: RunEvent) => {
    switch (event.type) {
      case 'preview':
        previews.offer(nodeKey(event.runId, event.nodeId), event);
        return;
      case 'progress':
        progress.offer(nodeKey(event.runId, event.nodeId), event);
        return;
      case 'node_output':
      case 'node_error':
        // The node's last progress goes out before its end; its waiting previews are stale now.
        progress.flush(nodeKey(event.runId, event.nodeId));
        previews.drop(nodeKey(event.runId, event.nodeId));
        break;
      default:
        break;
    }
    emitRun(event.runId, () => wireEvent(event));
  };
  const unsubscribers = [
    queue.on('queued', (record) => {
      remember(record);
      emitRun(record.id, () => queuedEvent(record));
      queueChanged();
    }),
    queue.on('started', (record) => {
      remember(record);
      queueChanged();
    }),
    queue.on('run', onRunEvent),
    queue.on('finished', (record) => {
      progress.dropPrefix(`${record.id}\u0000`);
      previews.dropPrefix(`${record.id}\u0000`);
      emitRun(record.id, () => terminalEvent(record));
      clientOf.delete(record.id);
      queueChanged();
    }),
    queue.on('removed', (ids) => {
      if (io.engine.clientsCount > 0) io.emit('history:removed', { ids });
    }),
    ctx.live.addSink((event, payload) => {
      if (io.engine.clientsCount > 0) io.emit(event, payload);
    }),
  ];

  // ---- sockets

  io.on('connection', (socket) => {
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    const chosen = ClientIdSchema.safeParse(auth?.clientId ?? socket.handshake.query.clientId);
    if (chosen.success) void socket.join(clientRoom(chosen.data));
    void sendCounts(socket);

    socket.on('subscribe', async (runId: unknown, ackArg: unknown) => {
      const ack = ackOf(ackArg);
      const parsed = RunIdArgSchema.safeParse(runId);
      if (!parsed.success) {
        ack({ ok: false, error: { code: 'invalid_input', message: 'subscribe takes a run id (a string of 1 to 200 characters) or "*" for every run' } });
        return;
      }
      if (socket.rooms.size > MAX_SUBSCRIPTIONS) {
        ack({ ok: false, error: { code: 'rate_limited', message: `a socket may follow at most ${MAX_SUBSCRIPTIONS} runs; unsubscribe from some first` } });
        return;
      }
      const id = parsed.data;
      // An async listener's rejection would be unhandled (and end the process): answer it instead.
      try {
        await socket.join(id === '*' ? ALL_RUNS_ROOM : runRoom(id));
        const record = id === '*' ? undefined : await queue.get(id);
        ack({ ok: true, run_id: id, status: record?.status ?? null });
      } catch (error) {
        log.warn({ err: error, runId: id }, 'a subscription failed');
        ack({ ok: false, error: { code: 'unavailable', message: 'the subscription failed (the server may be shutting down); try again' } });
      }
    });

    socket.on('unsubscribe', async (runId: unknown, ackArg: unknown) => {
      const ack = ackOf(ackArg);
      const parsed = RunIdArgSchema.safeParse(runId);
      if (!parsed.success) {
        ack({ ok: false, error: { code: 'invalid_input', message: 'unsubscribe takes a run id or "*"' } });
        return;
      }
      try {
        await socket.leave(parsed.data === '*' ? ALL_RUNS_ROOM : runRoom(parsed.data));
        ack({ ok: true, run_id: parsed.data });
      } catch (error) {
        log.warn({ err: error, runId: parsed.data }, 'an unsubscription failed');
        ack({ ok: false, error: { code: 'unavailable', message: 'the unsubscription failed; try again' } });
      }
    });
  });

  return {
    io,
    broadcast(event, payload) {
      io.emit(event, payload);
    },
    async close() {
      closed = true;
      for (const unsubscribe of unsubscribers) unsubscribe();
      if (countsTimer !== undefined) clearTimeout(countsTimer);
      progress.dispose();
      previews.dispose();
      // io.close also closes the HTTP server, which server.ts has already closed: that "not running" answer is expected.
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
