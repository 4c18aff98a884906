/**
 * socket.io live events over real connections: a submitter hears its run from queued to the
 * end, in order, with outputs that match the persisted record; events reach the submitter and
 * subscribers only while queue changes reach everyone; previews arrive as small rate-limited
 * JPEG frames; tokens and origins are checked at connect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { startTestServer } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/repo.js';
import { connectSocket, submit, TEST_PACKS_DIR, waitForRunEnd, waitWorkflow, type LiveEvent } from './helpers-runs.js';

async function exampleWorkflow(name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(repoRoot, 'workflows', 'basics', `${name}.json`), 'utf8'));
}

test('a submitter hears its run in order, from run:queued to run:finished, and the outputs match GET /api/runs/:id', async () => {
  const server = await startTestServer();
  const live = await connectSocket(server.url);
  try {
    const accepted = await submit(server, { workflow: await exampleWorkflow('image-chain'), client_id: live.socket.id });
    const run = await waitForRunEnd(live, accepted.id);
    assert.equal(run.status, 'success');
    const events = live.runEvents(accepted.id);
    const names = events.map((e) => e.name);
    assert.equal(names[0], 'run:queued');
    assert.equal(names[1], 'run:started');
    assert.equal(names.at(-1), 'run:finished');
    assert.deepEqual([...events[1]!.payload.nodes].sort(), ['1', '2', '3', '4']);
    for (const nodeId of ['1', '2', '3', '4']) {
      const started = events.findIndex((e) => e.name === 'node:started' && e.payload.node_id === nodeId);
      const output = events.findIndex((e) => e.name === 'node:output' && e.payload.node_id === nodeId);
      assert.ok(started > 1 && output > started, `node ${nodeId}: started before its output (${names.join(', ')})`);
    }
    const saved = events.find((e) => e.name === 'node:output' && e.payload.node_id === '4')!;
    const image = saved.payload.ui.images[0];
    assert.equal(image.type, 'output');
    assert.equal(image.subfolder, 'basics');
    assert.match(image.url, /^\/api\/outputs\/basics\/image-chain_\d+_\.png$/);
    assert.ok((await stat(join(server.dataDir, 'output', image.subfolder, image.filename))).size > 0);

    const detail = await server.request(`/api/runs/${accepted.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.status, 'success');
    assert.deepEqual(detail.body.outputs, run.outputs);
    assert.deepEqual(detail.body.outputs['4'].images[0], image);
    assert.deepEqual(Object.keys(detail.body.timings).sort(), ['1', '2', '3', '4']);
    assert.equal(detail.body.client_id, live.socket.id);
    const history = await server.request('/api/runs?status=success');
    assert.deepEqual(history.body.items.map((item: { id: string }) => item.id), [accepted.id]);

    // The same workflow again: unchanged nodes come from the cache and say so.
    const again = await submit(server, { workflow: await exampleWorkflow('image-chain'), client_id: live.socket.id });
    const rerun = await waitForRunEnd(live, again.id);
    assert.equal(rerun.status, 'success');
    const cached = live.runEvents(again.id).filter((e) => e.name === 'node:cached').flatMap((e) => e.payload.node_ids);
    assert.ok(['1', '2', '3'].every((id) => cached.includes(id)), `cached: ${cached.join(', ')}`);
    assert.deepEqual([...rerun.cached].sort(), [...cached].sort());
  } finally {
    live.close();
    await server.dispose();
  }
});

test('a node failing at run time gives node:error and run:failed naming the node', async () => {
  const server = await startTestServer();
  const live = await connectSocket(server.url);
  try {
    const workflow = {
      schemaVersion: 1,
      nodes: {
        a: { type: 'core.int', inputs: { value: 1 } },
        zero: { type: 'core.int', inputs: { value: 0 } },
        div: { type: 'core.int_math', inputs: { a: ['a', 0], b: ['zero', 0], operation: 'divide' } },
        show: { type: 'core.show_text', inputs: { value: ['div', 0] } },
      },
    };
    const accepted = await submit(server, { workflow, client_id: live.socket.id });
    const run = await waitForRunEnd(live, accepted.id);
    assert.equal(run.status, 'error');
    assert.equal(run.errors[0].node_id, 'div');
    assert.match(run.errors[0].message, /zero/);
    assert.deepEqual(run.skipped, ['show']);
    const names = live.runEvents(accepted.id).map((e) => e.name);
    assert.ok(names.indexOf('node:error') > 0 && names.indexOf('node:error') < names.indexOf('run:failed'));
    const nodeError = live.runEvents(accepted.id).find((e) => e.name === 'node:error')!;
    assert.equal(nodeError.payload.node_id, 'div');
    assert.equal(nodeError.payload.node_type, 'core.int_math');
  } finally {
    live.close();
    await server.dispose();
  }
});

test('run events go to the submitter and to subscribers only; queue:changed goes to everyone', async () => {
  const server = await startTestServer({ packsDirs: [TEST_PACKS_DIR] });
  const submitter = await connectSocket(server.url);
  const bystander = await connectSocket(server.url);
  const watcher = await connectSocket(server.url);
  const chosen = await connectSocket(server.url, { clientId: 'my-client-1' });
  try {
    const before = bystander.events.length;
    const quick = await submit(server, { workflow: waitWorkflow(0, 'quick'), client_id: submitter.socket.id });
    assert.equal((await waitForRunEnd(submitter, quick.id)).status, 'success');
    await bystander.waitFor((e) => e.name === 'queue:changed' && bystander.events.indexOf(e) >= before, 'queue:changed on a bystander');

    const slow = await submit(server, { workflow: waitWorkflow(600_000, 'slow') });
    const ack = await watcher.subscribe(slow.id);
    assert.equal(ack.ok, true);
    assert.ok(['queued', 'running'].includes(ack.status));
    assert.equal((await server.request(`/api/runs/${slow.id}`, { method: 'DELETE' })).status, 200);
    const interrupted = await waitForRunEnd(watcher, slow.id);
    assert.equal(interrupted.status, 'interrupted');

    const byChosenId = await submit(server, { workflow: waitWorkflow(0, 'chosen'), client_id: 'my-client-1' });
    assert.equal((await waitForRunEnd(chosen, byChosenId.id)).status, 'success');

    const bad = await bystander.socket.timeout(10_000).emitWithAck('subscribe', 42);
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, 'invalid_input');
    // The ack above came after anything the server sent the bystander earlier: no run event reached it.
    const runEvents = bystander.events.filter((e: LiveEvent) => e.name.startsWith('run:') || e.name.startsWith('node:'));
    assert.deepEqual(runEvents, []);
    assert.deepEqual(watcher.runEvents(quick.id), []);
    assert.deepEqual(submitter.runEvents(slow.id), []);

    server.server.ctx.live.broadcast('log', { level: 'info', msg: 'hello everyone' });
    for (const live of [submitter, bystander, watcher]) {
      const line = await live.waitFor((e) => e.name === 'log', 'a broadcast log line');
      assert.equal(line.payload.msg, 'hello everyone');
    }
  } finally {
    for (const live of [submitter, bystander, watcher, chosen]) live.close();
    await server.dispose();
  }
});

test('previews arrive as JPEG frames of at most 512 px, rate-limited; progress ends at done = total', async () => {
  const server = await startTestServer({ packsDirs: [TEST_PACKS_DIR] });
  const live = await connectSocket(server.url);
  try {
    assert.equal((await live.subscribe('*')).ok, true);
    const workflow = {
      schemaVersion: 1,
      nodes: {
        p: { type: 'srvtest.previews', inputs: { count: 40, width: 1024, height: 768 } },
        w: { type: 'srvtest.wait', inputs: { ms: 20, steps: 20, label: 'w' } },
      },
    };
    const accepted = await submit(server, { workflow });
    assert.equal((await waitForRunEnd(live, accepted.id)).status, 'success');
    const preview = await live.waitFor((e) => e.name === 'node:preview' && e.payload.run_id === accepted.id, 'a preview');
    assert.equal(preview.payload.node_id, 'p');
    assert.equal(preview.payload.mime, 'image/jpeg');
    assert.ok(Buffer.isBuffer(preview.payload.data));
    assert.equal(preview.payload.data[0], 0xff);
    assert.equal(preview.payload.data[1], 0xd8);
    const meta = await sharp(preview.payload.data).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 512, 384]);
    assert.deepEqual([preview.payload.width, preview.payload.height], [512, 384]);
    const previews = live.runEvents(accepted.id).filter((e) => e.name === 'node:preview');
    assert.ok(previews.length < 40, `previews are rate-limited (got ${previews.length} of 40)`);
    const progress = live.runEvents(accepted.id).filter((e) => e.name === 'node:progress' && e.payload.node_id === 'w');
    assert.ok(progress.length >= 1);
    assert.deepEqual([progress.at(-1)!.payload.done, progress.at(-1)!.payload.total], [20, 20]);
    const names = live.runEvents(accepted.id).map((e) => e.name);
    const outputOfW = names.findIndex((name, i) => name === 'node:output' && live.runEvents(accepted.id)[i]!.payload.node_id === 'w');
    assert.ok(names.lastIndexOf('node:progress') < outputOfW, 'the last progress comes before the node output');
  } finally {
    live.close();
    await server.dispose();
  }
});

test('with a token, a socket must send auth.token; a cross-site origin is refused; without a token anyone local connects', async () => {
  const secured = await startTestServer({ token: 'socket-secret-1' });
  try {
    await assert.rejects(connectSocket(secured.url), /unauthorized/);
    await assert.rejects(connectSocket(secured.url, { token: 'wrong-token-99' }), /unauthorized: the API token is not valid/);
    const ok = await connectSocket(secured.url, { token: 'socket-secret-1' });
    const counts = await ok.waitFor((e) => e.name === 'queue:changed', 'the counts sent on connect');
    assert.deepEqual(counts.payload, { queued: 0, running: 0 });
    ok.close();
    await assert.rejects(connectSocket(secured.url, { token: 'socket-secret-1', headers: { origin: 'https://evil.example' } }));
    const sameOrigin = await connectSocket(secured.url, { token: 'socket-secret-1', headers: { origin: secured.url } });
    sameOrigin.close();
  } finally {
    await secured.dispose();
  }
  const open = await startTestServer();
  try {
    const live = await connectSocket(open.url);
    assert.ok(live.socket.connected);
    live.close();
  } finally {
    await open.dispose();
  }
});
