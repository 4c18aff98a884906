/**
 * Graceful shutdown of the real `switchyard serve` process on SIGTERM: it stops accepting, lets
 * the running run finish within the shutdown timeout (or interrupts and records it after),
 * keeps queued runs for the next start, disconnects socket.io and `/ws` clients, releases the
 * port and exits 0. Also: WebSocket upgrades to paths nobody serves get a 404, not a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, createServer } from 'node:net';
import { rm } from 'node:fs/promises';
import { WebSocket } from 'ws';
import { join } from 'node:path';
import { makeDataDir, startTestServer, type TestServer } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/repo.js';
import { connectSocket, followRun, startServeProcess, TEST_PACKS_DIR, waitWorkflow, type RecordedSocket, type ServeProcess } from './helpers-runs.js';

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function openComfyWs(url: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?clientId=shutdown-test`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('error', reject);
  });
}

/**
 * A POST whose headers the server has taken (it answered `100 Continue`) but whose body is not
 * sent yet: a request in flight, which a shutdown must still answer. `finish()` sends the body
 * and resolves with the status and JSON body.
 */
function requestInFlight(url: string, path: string, body: unknown): Promise<{ finish(): Promise<{ status: number; body: any }> }> {
  const { port } = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), '127.0.0.1');
    let received = '';
    let answered: ((text: string) => void) | undefined;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (answered === undefined && received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        received = received.slice('HTTP/1.1 100 Continue\r\n\r\n'.length);
        answered = () => undefined;
        resolve({
          finish: () => new Promise((done) => {
            answered = (text) => {
              const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
              done({ status, body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) });
            };
            // write, not end: Node drops the answer to a request whose client hangs up (half-close).
            socket.write(payload);
          }),
        });
      }
    });
    socket.on('close', () => answered?.(received));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nExpect: 100-continue\r\n\r\n`);
  });
}

/** Resolves once nothing accepts connections on `port` any more (the server stopped listening). */
async function stoppedListening(port: number): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const probe = netConnect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(false);
      });
      probe.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function withProcess(env: Record<string, string>, body: (serve: ServeProcess, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await makeDataDir();
  let serve: ServeProcess | undefined;
  try {
    serve = await startServeProcess(dataDir, env);
    await body(serve, dataDir);
  } finally {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('SIGTERM: the running run finishes, queued runs are kept and run after a restart, clients are disconnected, exit 0', async () => {
  await withProcess({ SWITCHYARD_QUEUE_CONCURRENCY: '1' }, async (serve, dataDir) => {
    const port = Number(new URL(serve.url).port);
    const live: RecordedSocket = await connectSocket(serve.url);
    await live.subscribe('*');
    const comfy = await openComfyWs(serve.url);
    const disconnected = new Promise<string>((resolve) => live.socket.once('disconnect', (reason) => resolve(reason)));

    const running = await post(serve.url, '/api/runs', { workflow: waitWorkflow(3000, 'running', 30) });
    assert.equal(running.status, 202);
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === running.body.id, 'the run to start');
    const queued = [await post(serve.url, '/api/runs', { workflow: waitWorkflow(0, 'q1') }), await post(serve.url, '/api/runs', { workflow: waitWorkflow(0, 'q2') })];
    for (const answer of queued) assert.equal(answer.status, 202);

    const late = await requestInFlight(serve.url, '/api/runs', { workflow: waitWorkflow(0, 'late') });

    serve.child.kill('SIGTERM');
    // It stops accepting at once; a request already in flight is answered 503 while the run goes on.
    await stoppedListening(port);
    const refused = await late.finish();
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'unavailable');
    const finished = await live.waitFor((e) => e.name === 'run:finished' && e.payload.run_id === running.body.id, 'the running run to finish during shutdown');
    assert.equal(finished.payload.run.status, 'success');
    assert.equal(await serve.exited, 0);
    for (const answer of queued) assert.equal(live.events.some((e) => e.name === 'node:started' && e.payload.run_id === answer.body.id), false, 'a queued run started during shutdown');
    assert.ok(['transport close', 'io server disconnect', 'transport error'].includes(await disconnected), 'socket.io client disconnected');
    assert.ok((await comfy.closed) > 0, '/ws client closed');
    assert.ok(await portIsFree(port), 'the port is released');
    live.close();

    // The queued runs were not started during shutdown, and run on the next start.
    let next: TestServer | undefined;
    const after = [] as RecordedSocket[];
    try {
      next = await startTestServer({ dataDir, packsDirs: [TEST_PACKS_DIR], queueConcurrency: 1 });
      const socket = await connectSocket(next.url);
      after.push(socket);
      for (const [index, answer] of queued.entries()) {
        const run = await followRun(next, socket, answer.body.id);
        assert.equal(run.status, 'success');
        assert.deepEqual(run.outputs.w.text, [`q${index + 1}`]);
      }
      const first = (await next.request(`/api/runs/${running.body.id}`)).body;
      assert.equal(first.status, 'success');
    } finally {
      for (const socket of after) socket.close();
      await next?.close();
    }
  });
});

test('SIGINT with a run that outlasts the shutdown timeout: it is interrupted, recorded with what finished, and re-queueable', async () => {
  await withProcess({ SWITCHYARD_SHUTDOWN_TIMEOUT_MS: '300' }, async (serve, dataDir) => {
    const live = await connectSocket(serve.url);
    await live.subscribe('*');
    const workflow = {
      schemaVersion: 1,
      nodes: {
        first: { type: 'srvtest.wait', inputs: { ms: 0, label: 'first' } },
        slow: { type: 'srvtest.wait', inputs: { ms: 600_000, label: 'slow', after: ['first', 0] } },
      },
    };
    const long = await post(serve.url, '/api/runs', { workflow });
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === long.body.id && e.payload.node_id === 'slow', 'the slow node to start');
    // The node waits 10 minutes: exiting at all shows the shutdown did not wait for it.
    serve.child.kill('SIGINT');
    assert.equal(await serve.exited, 0);
    live.close();

    let next: TestServer | undefined;
    try {
      next = await startTestServer({ dataDir, packsDirs: [TEST_PACKS_DIR] });
      const record = (await next.request(`/api/runs/${long.body.id}`)).body;
      assert.equal(record.status, 'interrupted');
      assert.deepEqual(record.executed, ['first']);
      const again = await next.request(`/api/runs/${long.body.id}/requeue`, { method: 'POST' });
      assert.equal(again.status, 202);
      await next.request(`/api/runs/${again.body.id}`, { method: 'DELETE' });
    } finally {
      await next?.close();
    }
  });
});

test('SIGTERM with a node that ignores interruption: its run is recorded interrupted anyway and the process still exits 0', async () => {
  const stubbornPacks = join(repoRoot, 'dist', 'test', 'fixtures', 'packs', 'shutdown');
  await withProcess({ SWITCHYARD_SHUTDOWN_TIMEOUT_MS: '200', SWITCHYARD_PACKS: `${TEST_PACKS_DIR}:${stubbornPacks}` }, async (serve, dataDir) => {
    const live = await connectSocket(serve.url);
    await live.subscribe('*');
    const workflow = {
      schemaVersion: 1,
      nodes: {
        first: { type: 'srvtest.wait', inputs: { ms: 0, label: 'first' } },
        deaf: { type: 'stubborn.wait', inputs: { ms: 600_000, after: ['first', 0] } },
      },
    };
    const stuck = await post(serve.url, '/api/runs', { workflow });
    assert.equal(stuck.status, 202);
    const queued = await post(serve.url, '/api/runs', { workflow: waitWorkflow(0, 'queued') });
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === stuck.body.id && e.payload.node_id === 'deaf', 'the deaf node to start');
    serve.child.kill('SIGTERM');
    // Its pending 10-minute timer would keep the process alive: the CLI exits once everything is saved.
    assert.equal(await serve.exited, 0);
    live.close();

    const next = await startTestServer({ dataDir, packsDirs: [TEST_PACKS_DIR, stubbornPacks] });
    try {
      const record = (await next.request(`/api/runs/${stuck.body.id}`)).body;
      assert.equal(record.status, 'interrupted');
      assert.deepEqual(record.executed, ['first']);
      const socket = await connectSocket(next.url);
      try {
        assert.equal((await followRun(next, socket, queued.body.id)).status, 'success');
      } finally {
        socket.close();
      }
    } finally {
      await next.close();
    }
  });
});

test('close(): a request in flight when shutdown begins is refused 503 `unavailable`, the running run finishes, the queued one stays queued', async () => {
  const server = await startTestServer({ packsDirs: [TEST_PACKS_DIR], shutdownTimeoutMs: 30_000, queueConcurrency: 1 });
  try {
    const live = await connectSocket(server.url);
    await live.subscribe('*');
    const running = await server.request('/api/runs', { body: { workflow: waitWorkflow(800, 'running', 8) } });
    const queued = await server.request('/api/runs', { body: { workflow: waitWorkflow(0, 'queued') } });
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === running.body.id, 'the run to start');
    const late = await requestInFlight(server.url, '/api/runs', { workflow: waitWorkflow(0, 'late') });
    const closing = server.close();
    const refused = await late.finish();
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'unavailable');
    assert.equal(typeof refused.body.error.details, 'object');
    await closing;
    // Sent before the sockets closed (it may still be on its way here).
    const ended = await live.waitFor((e) => e.name === 'run:finished' && e.payload.run_id === running.body.id, 'the running run to finish');
    assert.equal(ended.payload.run.status, 'success');
    assert.equal(live.events.some((e) => e.name === 'node:started' && e.payload.run_id === queued.body.id), false, 'the queued run did not start during shutdown');
    live.close();

    const next = await startTestServer({ dataDir: server.dataDir, packsDirs: [TEST_PACKS_DIR] });
    try {
      const socket = await connectSocket(next.url);
      try {
        assert.equal((await followRun(next, socket, queued.body.id)).status, 'success');
      } finally {
        socket.close();
      }
      const { total } = (await next.request('/api/runs?limit=1')).body;
      assert.equal(total, 2, 'the refused submission left no run');
    } finally {
      await next.close();
    }
  } finally {
    await server.dispose();
  }
});

test('a WebSocket upgrade to a path nobody serves is answered 404 and closed, not left hanging', async () => {
  const server = await startTestServer();
  try {
    const { port } = new URL(server.url);
    for (const path of ['/nope', '/api/runs', '/wss', '/socket.iox', '/ws/extra']) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = netConnect(Number(port), '127.0.0.1', () => {
          socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        socket.setTimeout(10_000, () => reject(new Error(`${path}: the upgrade was left hanging`)));
      });
      assert.match(answer, /^HTTP\/1\.1 404/, path);
      assert.match(answer, /"code":"not_found"/, path);
    }
    // The real endpoints still upgrade.
    const comfy = await openComfyWs(server.url);
    comfy.ws.close();
    const live = await connectSocket(server.url);
    live.close();
  } finally {
    await server.dispose();
  }
});
