/**
 * Test helpers for ComfyUI's API: a `/ws` client (the `ws` package, as ComfyUI scripts use a
 * plain WebSocket) that records every text message and binary frame and can wait for one, a
 * poller for `/history/<id>`, and small ComfyUI-format prompts built from ComfyUI class names.
 */
import { WebSocket } from 'ws';
import type { TestServer } from '../../helpers/server.js';

export interface ComfyMessage {
  type: string;
  data: Record<string, any>;
}

export interface ComfySocket {
  readonly socket: WebSocket;
  readonly messages: ComfyMessage[];
  readonly frames: Buffer[];
  /** The first message (from the start) that matches; waits for it up to `timeoutMs`. */
  waitFor(predicate: (message: ComfyMessage) => boolean, what: string, timeoutMs?: number): Promise<ComfyMessage>;
  /** Waits until at least `count` binary frames arrived. */
  waitForFrames(count: number, timeoutMs?: number): Promise<Buffer[]>;
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function wsUrl(server: TestServer, pathAndQuery: string): string {
  return `${server.url.replace(/^http/, 'ws')}${pathAndQuery}`;
}

export async function connectComfyWs(server: TestServer, pathAndQuery: string, headers: Record<string, string> = {}): Promise<ComfySocket> {
  const socket = new WebSocket(wsUrl(server, pathAndQuery), { headers });
  const messages: ComfyMessage[] = [];
  const frames: Buffer[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  socket.on('message', (data, isBinary) => {
    if (isBinary) frames.push(Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]));
    else messages.push(JSON.parse(String(data)) as ComfyMessage);
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  function wait<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const attempt = () => {
        const found = check();
        if (found !== undefined) {
          waiters.delete(attempt);
          clearTimeout(timer);
          resolve(found);
        } else if (socket.readyState === WebSocket.CLOSED) {
          waiters.delete(attempt);
          clearTimeout(timer);
          reject(new Error(`socket closed while waiting for ${what}; got ${JSON.stringify(messages.map((m) => m.type))}`));
        }
      };
      timer = setTimeout(() => {
        waiters.delete(attempt);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages.map((m) => [m.type, m.data?.node]))}`));
      }, timeoutMs);
      waiters.add(attempt);
      attempt();
    });
  }

  return {
    socket,
    messages,
    frames,
    waitFor: (predicate, what, timeoutMs = 30_000) => wait(() => messages.find(predicate), what, timeoutMs),
    waitForFrames: (count, timeoutMs = 30_000) => wait(() => (frames.length >= count ? frames : undefined), `${count} binary frames`, timeoutMs),
    closed,
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
}

/** What an upgrade that the server refuses answers: its status and body. */
export function refusedUpgrade(server: TestServer, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(server, pathAndQuery), { headers });
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.on('open', () => {
      socket.close();
      reject(new Error(`the upgrade to ${pathAndQuery} was accepted`));
    });
    socket.on('error', () => undefined);
  });
}

/** Polls `/history/<id>` until the run is in history (ComfyUI clients do the same). */
export async function waitForHistory(server: TestServer, id: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await server.request(`/history/${encodeURIComponent(id)}`);
    if (answer.status !== 200) throw new Error(`/history/${id} answered ${answer.status}: ${answer.text}`);
    if (answer.body[id]) return answer.body[id];
    if (Date.now() > deadline) throw new Error(`run ${id} did not reach history in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** EmptyImage → ImageInvert → SaveImage in ComfyUI's API format, with ComfyUI class names. */
export function imageChainPrompt(prefix: string, size = { width: 64, height: 48 }): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: size.width, height: size.height, batch_size: 1, color: 0x3366ff }, _meta: { title: 'Canvas' } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: prefix } },
  };
}

/** EmptyImage → SlowPassImage (the comfy-slow test pack) → SaveImage (or FailImage in between). */
export function slowPrompt(prefix: string, options: { steps: number; delayMs: number; width?: number; height?: number; fail?: boolean }): Record<string, unknown> {
  const prompt: Record<string, unknown> = {
    '1': { class_type: 'EmptyImage', inputs: { width: options.width ?? 32, height: options.height ?? 32, batch_size: 1, color: 0xff8800 } },
    '2': { class_type: 'SlowPassImage', inputs: { image: ['1', 0], steps: options.steps, delay_ms: options.delayMs } },
    '3': { class_type: 'SaveImage', inputs: { images: [options.fail ? '4' : '2', 0], filename_prefix: prefix } },
  };
  if (options.fail) prompt['4'] = { class_type: 'FailImage', inputs: { image: ['2', 0] } };
  return prompt;
}
