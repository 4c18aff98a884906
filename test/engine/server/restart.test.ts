/**
 * Nothing is lost across a restart: runs still queued when a server closes gracefully run on
 * the next server over the same data folder, and a run executing when the process is killed
 * with SIGKILL comes back `interrupted` with the nodes that finished, re-queueable by id. The
 * crash test runs `switchyard serve` as a child process (with the test timing pack) and kills it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { makeDataDir, startTestServer, type TestServer } from '../../helpers/server.js';
import { chainWorkflow, connectSocket, followRun, startServeProcess, submit, TEST_PACKS_DIR, waitWorkflow, type RecordedSocket, type ServeProcess } from './helpers-runs.js';

test('runs queued at a graceful shutdown run after the restart; the interrupted one can be re-queued', async () => {
  const dataDir = await makeDataDir();
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  const sockets: RecordedSocket[] = [];
  try {
    first = await startTestServer({ dataDir, packsDirs: [TEST_PACKS_DIR], queueConcurrency: 1, shutdownTimeoutMs: 0 });
    const live = await connectSocket(first.url);
    sockets.push(live);
    await live.subscribe('*');
    const blocker = await submit(first, { workflow: waitWorkflow(600_000, 'blocker') });
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === blocker.id, 'the blocker to start');
    const queued = [await submit(first, { workflow: waitWorkflow(0, 'q1') }), await submit(first, { workflow: waitWorkflow(0, 'q2'), priority: 1 })];
    await first.close();

    second = await startTestServer({ dataDir, packsDirs: [TEST_PACKS_DIR], queueConcurrency: 1, shutdownTimeoutMs: 0 });
    const after = await connectSocket(second.url);
    sockets.push(after);
    for (const [index, accepted] of queued.entries()) {
      const run = await followRun(second, after, accepted.id);
      assert.equal(run.status, 'success');
      assert.equal(run.number, accepted.number);
      assert.deepEqual(run.outputs.w.text, [`q${index + 1}`]);
    }
    const stopped = (await second.request(`/api/runs/${blocker.id}`)).body;
    assert.equal(stopped.status, 'interrupted');
    // Following every run before asking: the re-queued run may start before the answer arrives.
    await after.subscribe('*');
    const again = await second.request(`/api/runs/${blocker.id}/requeue`, { method: 'POST' });
    assert.equal(again.status, 202);
    assert.equal(again.body.requeued_from, blocker.id);
    await after.waitFor((e) => e.name === 'node:started' && e.payload.run_id === again.body.id, 'the re-queued run to start');
    assert.deepEqual((await second.request('/api/interrupt', { method: 'POST' })).body, { interrupted: [again.body.id] });
  } finally {
    for (const socket of sockets) socket.close();
    await first?.close();
    await second?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('kill -9 while a run executes: after restart it is interrupted with the nodes that finished, and can be re-queued', async () => {
  const dataDir = await makeDataDir();
  let serve: ServeProcess | undefined;
  let server: TestServer | undefined;
  const sockets: RecordedSocket[] = [];
  try {
    serve = await startServeProcess(dataDir);
    const live = await connectSocket(serve.url);
    sockets.push(live);
    await live.subscribe('*');
    const post = async (body: unknown) => {
      const response = await fetch(`${serve!.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 202);
      return (await response.json()) as { id: string; number: number };
    };
    const crashed = await post({ workflow: chainWorkflow(600_000) });
    await live.waitFor((e) => e.name === 'node:started' && e.payload.run_id === crashed.id && e.payload.node_id === 'slow', 'the slow node to start');
    // Acknowledged means on disk; the same write carries the first node's recorded progress.
    const waiting = await post({ workflow: waitWorkflow(0, 'after the crash') });
    live.close();
    serve.child.kill('SIGKILL');
    assert.equal(await serve.exited, 'SIGKILL');

    server = await startTestServer({ dataDir, packsDirs: [TEST_PACKS_DIR], shutdownTimeoutMs: 0 });
    const record = (await server.request(`/api/runs/${crashed.id}`)).body;
    assert.equal(record.status, 'interrupted');
    assert.deepEqual(record.executed, ['first']);
    assert.deepEqual(record.outputs.first.text, ['first']);
    assert.ok(!record.executed.includes('slow'));

    const after = await connectSocket(server.url);
    sockets.push(after);
    const survivor = await followRun(server, after, waiting.id);
    assert.equal(survivor.status, 'success');
    assert.equal(survivor.number, waiting.number);

    await after.subscribe('*');
    const again = await server.request(`/api/runs/${crashed.id}/requeue`, { method: 'POST' });
    assert.equal(again.status, 202);
    assert.equal(again.body.requeued_from, crashed.id);
    await after.waitFor((e) => e.name === 'node:started' && e.payload.run_id === again.body.id && e.payload.node_id === 'slow', 'the re-queued run to reach its slow node');
    assert.equal((await server.request(`/api/runs/${again.body.id}`, { method: 'DELETE' })).body.outcome, 'interrupting');
  } finally {
    for (const socket of sockets) socket.close();
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
