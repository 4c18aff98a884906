/**
 * Helpers for the run, workflow, socket.io and restart tests: a socket.io client that records
 * every event it receives and can wait for one (no sleeps: tests await what they expect, with a
 * generous deadline for loaded machines), small workflows built on the test-only timing pack
 * (test/fixtures/packs/server-runs/timing), and a `switchyard serve` child process for crash
 * tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { repoRoot } from '../../helpers/repo.js';
import type { TestServer } from '../../helpers/server.js';

/** The packs folder holding the timing pack (compiled). */
export const TEST_PACKS_DIR = join(repoRoot, 'dist', 'test', 'fixtures', 'packs', 'server-runs');

/** How long a test waits for something that should happen (a loaded 2-core machine is slow). */
export const WAIT_MS = 60_000;

export interface LiveEvent {
  name: string;
  payload: any;
}

export interface RecordedSocket {
  socket: Socket;
  events: LiveEvent[];
  /** Resolves with the first event (already received or coming) that matches. */
  waitFor(predicate: (event: LiveEvent) => boolean, what: string, timeoutMs?: number): Promise<LiveEvent>;
  /** Events of one run, in the order received. */
  runEvents(runId: string): LiveEvent[];
  subscribe(runId: string): Promise<any>;
  close(): void;
}

export interface ConnectOptions {
  token?: string;
  clientId?: string;
  headers?: Record<string, string>;
}

/** Connects over WebSocket; rejects with the server's error (e.g. "unauthorized …"). */
export function connectSocket(url: string, options: ConnectOptions = {}): Promise<RecordedSocket> {
  const auth: Record<string, string> = {};
  if (options.token !== undefined) auth.token = options.token;
  if (options.clientId !== undefined) auth.clientId = options.clientId;
  const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth, extraHeaders: options.headers, timeout: WAIT_MS });
  const events: LiveEvent[] = [];
  const waiters = new Set<{ predicate: (event: LiveEvent) => boolean; resolve: (event: LiveEvent) => void }>();
  socket.onAny((name: string, payload: unknown) => {
    const event = { name, payload };
    events.push(event);
    for (const waiter of waiters) {
      if (waiter.predicate(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  });
  const recorded: RecordedSocket = {
    socket,
    events,
    waitFor(predicate, what, timeoutMs = WAIT_MS) {
      const already = events.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (event: LiveEvent) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out waiting for ${what}; received: ${events.map((e) => e.name).join(', ')}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    runEvents(runId) {
      return events.filter((event) => event.payload?.run_id === runId);
    },
    subscribe(runId) {
      return socket.timeout(WAIT_MS).emitWithAck('subscribe', runId);
    },
    close() {
      socket.disconnect();
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(recorded));
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
  });
}

export const TERMINAL_EVENTS = new Set(['run:finished', 'run:failed', 'run:interrupted', 'run:cancelled']);

/** Waits for the run's last event; answers its payload's `run` (the persisted summary). */
export async function waitForRunEnd(live: RecordedSocket, runId: string): Promise<any> {
  const event = await live.waitFor((e) => TERMINAL_EVENTS.has(e.name) && e.payload?.run_id === runId, `the end of run ${runId}`);
  return event.payload.run;
}

/** Submits and expects 202; answers the body. */
export async function submit(server: TestServer, body: Record<string, unknown>): Promise<any> {
  const answer = await server.request('/api/runs', { method: 'POST', body });
  if (answer.status !== 202) throw new Error(`expected 202, got ${answer.status}: ${answer.text}`);
  return answer.body;
}

/** One `srvtest.wait` node: waits `ms` (interruptible) and shows `label`. */
export function waitWorkflow(ms: number, label = 'done', steps = 1): Record<string, unknown> {
  return { schemaVersion: 1, nodes: { w: { type: 'srvtest.wait', inputs: { ms, label, steps } } } };
}

/** A quick node `first`, then `slow` (which waits `ms`) fed by it. */
export function chainWorkflow(ms: number): Record<string, unknown> {
  return {
    schemaVersion: 1,
    nodes: {
      first: { type: 'srvtest.wait', inputs: { ms: 0, label: 'first' } },
      slow: { type: 'srvtest.wait', inputs: { ms, label: 'slow', after: ['first', 0] } },
    },
  };
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** `switchyard serve --port 0 --data <dataDir>` with the timing pack; resolves once it prints its URL. */
export function startServeProcess(dataDir: string, env: Record<string, string> = {}, port = 0): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'switchyard.js'), 'serve', '--port', String(port), '--data', dataDir], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'silent', SWITCHYARD_PACKS: TEST_PACKS_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard serve did not print its URL in time; stderr: ${stderr}`));
    }, WAIT_MS);
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /serving on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard serve exited early (${String(code)}); stderr: ${stderr}`));
    });
  });
}

/**
 * The run's final summary, whether it ended before or after this call: subscribes (the ack
 * tells the status at that moment), then waits for the end event if it was not over yet.
 */
export async function followRun(server: TestServer, live: RecordedSocket, runId: string): Promise<any> {
  const ack = await live.subscribe(runId);
  if (!ack.ok) throw new Error(`subscribe failed: ${JSON.stringify(ack)}`);
  if (['success', 'error', 'interrupted', 'cancelled'].includes(ack.status)) {
    return (await server.request(`/api/runs/${encodeURIComponent(runId)}`)).body;
  }
  return waitForRunEnd(live, runId);
}
