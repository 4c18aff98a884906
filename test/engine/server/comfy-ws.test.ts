import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { repoRoot } from '../../helpers/repo.js';
import { startTestServer } from '../../helpers/server.js';
import { connectComfyWs, imageChainPrompt, refusedUpgrade, slowPrompt, waitForHistory } from './comfy-ws-client.js';

const slowPacks = [join(repoRoot, 'dist', 'test', 'fixtures', 'packs', 'comfy-slow')];

test('a ComfyUI client: POST /prompt with client_id, /ws messages in ComfyUI order, then /history and /view', async () => {
  const server = await startTestServer();
  try {
    const ws = await connectComfyWs(server, '/ws?clientId=client-one');
    const greeting = await ws.waitFor((m) => m.type === 'status', 'the status greeting');
    assert.equal(ws.messages[0], greeting);
    assert.deepEqual(greeting.data, { status: { exec_info: { queue_remaining: 0 } }, sid: 'client-one' });

    const savedWorkflow = { last_node_id: 3, nodes: [], links: [], version: 0.4, note: 'the editor file' };
    const submitted = await server.request('/prompt', {
      body: { prompt: imageChainPrompt('comfy/chain'), client_id: 'client-one', extra_data: { extra_pnginfo: { workflow: savedWorkflow }, api_key_comfy_org: 'x' } },
    });
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(typeof submitted.body.prompt_id, 'string');
    assert.equal(typeof submitted.body.number, 'number');
    assert.deepEqual(submitted.body.node_errors, {});
    const id: string = submitted.body.prompt_id;

    const done = await ws.waitFor((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === id, 'executing null');
    const ofRun = ws.messages.filter((m) => m.data.prompt_id === id);
    const types = ofRun.map((m) => m.type);
    assert.equal(types[0], 'execution_start');
    assert.equal(types[1], 'execution_cached');
    assert.deepEqual(ofRun[1]!.data.nodes, []);
    assert.equal(ofRun.at(-1), done);
    assert.equal(types.at(-2), 'execution_success');
    const executing = ofRun.filter((m) => m.type === 'executing' && m.data.node !== null).map((m) => m.data.node);
    assert.deepEqual(executing, ['1', '2', '3']);
    const executed = ofRun.filter((m) => m.type === 'executed');
    assert.equal(executed.length, 1);
    assert.equal(executed[0]!.data.node, '3');
    assert.equal(executed[0]!.data.display_node, '3');
    const image = executed[0]!.data.output.images[0];
    assert.equal(image.type, 'output');
    assert.equal(image.subfolder, 'comfy');
    assert.match(image.filename, /^chain_\d+_\.png$/);
    const executingSave = ofRun.findIndex((m) => m.type === 'executing' && m.data.node === '3');
    assert.ok(executingSave < ofRun.indexOf(executed[0]!) && ofRun.indexOf(executed[0]!) < types.indexOf('execution_success'));
    assert.ok(typeof ofRun[0]!.data.timestamp === 'number');
    // A status broadcast told the client the queue changed.
    assert.ok(ws.messages.filter((m) => m.type === 'status').length >= 2);

    const history = await server.request(`/history/${id}`);
    assert.equal(history.status, 200);
    const entry = history.body[id];
    assert.deepEqual(entry.outputs['3'].images, [image]);
    assert.equal(entry.status.status_str, 'success');
    assert.equal(entry.status.completed, true);
    assert.deepEqual(entry.status.messages.map((m: [string, unknown]) => m[0]), ['execution_start', 'execution_cached', 'execution_success']);
    const [number, promptId, prompt, extraData, outputsToExecute] = entry.prompt;
    assert.equal(number, submitted.body.number);
    assert.equal(promptId, id);
    assert.deepEqual(prompt['2'].inputs.image, ['1', 0]);
    assert.equal(prompt['1']._meta.title, 'Canvas');
    assert.equal(extraData.client_id, 'client-one');
    assert.equal(extraData.api_key_comfy_org, 'x');
    assert.deepEqual(extraData.extra_pnginfo.workflow, savedWorkflow);
    assert.deepEqual(outputsToExecute, ['3']);
    assert.deepEqual(entry.meta['3'], { node_id: '3', display_node: '3', parent_node: null, real_node_id: '3' });

    // The saved workflow from extra_data is what the PNG embeds.
    const file = join(server.dataDir, 'output', 'comfy', image.filename);
    const png = await readFile(file);
    assert.ok(png.includes(Buffer.from('the editor file')));
    const view = await fetch(`${server.url}/view?filename=${encodeURIComponent(image.filename)}&subfolder=comfy&type=output`);
    assert.equal(view.status, 200);
    assert.match(view.headers.get('content-type') ?? '', /image\/png/);
    assert.deepEqual(Buffer.from(await view.arrayBuffer()), png);

    // The same prompt again: its unchanged nodes come from the cache, and execution_cached says so.
    const second = await server.request('/prompt', { body: { prompt: imageChainPrompt('comfy/chain'), client_id: 'client-one' } });
    const secondId: string = second.body.prompt_id;
    await ws.waitFor((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === secondId, 'executing null of the second run');
    const cachedLists = ws.messages.filter((m) => m.type === 'execution_cached' && m.data.prompt_id === secondId).map((m) => m.data.nodes as string[]);
    const lastList = cachedLists.at(-1)!;
    assert.ok(lastList.includes('1') && lastList.includes('2'), JSON.stringify(cachedLists));
    const secondEntry = await waitForHistory(server, secondId);
    assert.deepEqual([...secondEntry.status.messages[1][1].nodes].sort(), [...lastList].sort());
    await ws.close();
  } finally {
    await server.dispose();
  }
});

test('a slow prompt: progress and JPEG preview frames, /queue shows running and pending, POST /queue deletes, /interrupt stops it', async () => {
  const server = await startTestServer({ packsDirs: slowPacks });
  try {
    const ws = await connectComfyWs(server, '/api/ws?clientId=slow-client');
    await ws.waitFor((m) => m.type === 'status', 'the status greeting');
    const slow = await server.request('/prompt', { body: { prompt: slowPrompt('slow/a', { steps: 10_000, delayMs: 15, width: 600, height: 300 }), client_id: 'slow-client' } });
    assert.equal(slow.status, 200, slow.text);
    const slowId: string = slow.body.prompt_id;
    const waiting = await server.request('/prompt', { body: { prompt: imageChainPrompt('slow/b'), client_id: 'slow-client', prompt_id: 'my-own-id' } });
    assert.equal(waiting.status, 200, waiting.text);
    assert.equal(waiting.body.prompt_id, 'my-own-id');

    const progress = await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === slowId, 'progress');
    assert.equal(progress.data.node, '2');
    assert.equal(progress.data.max, 10_000);
    assert.ok(progress.data.value >= 1);

    // Previews: ComfyUI's binary frame, a JPEG of at most 512 px.
    const [frame] = await ws.waitForFrames(1);
    assert.equal(frame!.readUInt32BE(0), 1, 'event type PREVIEW_IMAGE');
    assert.equal(frame!.readUInt32BE(4), 1, 'format JPEG');
    const meta = await sharp(frame!.subarray(8)).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, 512);
    assert.equal(meta.height, 256);

    const queue = await server.request('/queue');
    assert.equal(queue.status, 200);
    assert.deepEqual(queue.body.queue_running.map((item: unknown[]) => item[1]), [slowId]);
    assert.deepEqual(queue.body.queue_pending.map((item: unknown[]) => item[1]), ['my-own-id']);
    const [, , pendingPrompt, pendingExtra, pendingOutputs] = queue.body.queue_pending[0];
    assert.equal(pendingPrompt['3'].inputs.filename_prefix, 'slow/b');
    assert.equal(pendingExtra.client_id, 'slow-client');
    assert.deepEqual(pendingOutputs, ['3']);
    assert.deepEqual((await server.request('/prompt')).body, { exec_info: { queue_remaining: 2 } });

    const deleted = await server.request('/queue', { body: { delete: ['my-own-id', slowId] } });
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body.cancelled, ['my-own-id'], 'only the waiting prompt is deleted; the running one goes on');
    assert.deepEqual((await server.request('/queue')).body.queue_pending, []);

    const interrupted = await server.request('/api/interrupt', { body: { prompt_id: slowId } });
    assert.equal(interrupted.status, 200);
    assert.deepEqual(interrupted.body.interrupted, [slowId]);
    const stop = await ws.waitFor((m) => m.type === 'execution_interrupted' && m.data.prompt_id === slowId, 'execution_interrupted');
    assert.equal(stop.data.node_id, '2');
    assert.equal(stop.data.node_type, 'comfy_test.slow');
    assert.deepEqual(stop.data.executed, ['1']);
    await ws.waitFor((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === slowId, 'executing null after the interruption');

    const entry = await waitForHistory(server, slowId);
    assert.equal(entry.status.status_str, 'error');
    assert.equal(entry.status.completed, false);
    assert.equal(entry.status.messages.at(-1)[0], 'execution_interrupted');
    await ws.close();
  } finally {
    await server.dispose();
  }
});

test('a failing node: execution_error names the node, its type and the message; history says error', async () => {
  const server = await startTestServer({ packsDirs: slowPacks });
  try {
    const ws = await connectComfyWs(server, '/ws?clientId=fail-client');
    await ws.waitFor((m) => m.type === 'status', 'the status greeting');
    const submitted = await server.request('/prompt', { body: { prompt: slowPrompt('fail/x', { steps: 1, delayMs: 0, fail: true }), client_id: 'fail-client' } });
    assert.equal(submitted.status, 200, submitted.text);
    const id: string = submitted.body.prompt_id;
    const failure = await ws.waitFor((m) => m.type === 'execution_error', 'execution_error');
    assert.equal(failure.data.prompt_id, id);
    assert.equal(failure.data.node_id, '4');
    assert.equal(failure.data.node_type, 'comfy_test.fail');
    assert.match(failure.data.exception_message, /deliberate failure/);
    assert.equal(typeof failure.data.exception_type, 'string');
    assert.ok(Array.isArray(failure.data.traceback));
    assert.deepEqual(failure.data.executed, ['1', '2']);
    const end = await ws.waitFor((m) => m.type === 'executing' && m.data.node === null, 'executing null');
    assert.ok(ws.messages.indexOf(end) > ws.messages.indexOf(failure));
    assert.equal(ws.messages.filter((m) => m.type === 'execution_success').length, 0);
    const entry = await waitForHistory(server, id);
    assert.equal(entry.status.status_str, 'error');
    const last = entry.status.messages.at(-1);
    assert.equal(last[0], 'execution_error');
    assert.equal(last[1].node_id, '4');
    await ws.close();
  } finally {
    await server.dispose();
  }
});

test('messages of a run go only to the client that submitted it; status goes to everyone', async () => {
  const server = await startTestServer();
  try {
    const mine = await connectComfyWs(server, '/ws?clientId=mine');
    const other = await connectComfyWs(server, '/ws');
    const otherGreeting = await other.waitFor((m) => m.type === 'status', 'the greeting');
    assert.match(otherGreeting.data.sid, /^[0-9a-f]{32}$/, 'a socket without clientId gets a generated sid');
    await mine.waitFor((m) => m.type === 'status', 'the greeting');
    const submitted = await server.request('/prompt', { body: { prompt: imageChainPrompt('route/x'), client_id: 'mine' } });
    const id: string = submitted.body.prompt_id;
    await mine.waitFor((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === id, 'executing null');
    await other.waitFor((m) => m.type === 'status' && m.data.status.exec_info.queue_remaining === 0 && other.messages.indexOf(m) > 0, 'a status broadcast');
    assert.deepEqual(other.messages.filter((m) => m.data.prompt_id !== undefined), []);
    await Promise.all([mine.close(), other.close()]);
  } finally {
    await server.dispose();
  }
});

test('/ws with a token: refused without it or with a wrong one, accepted with ?token= or a bearer header; cross-site origins refused', async () => {
  const server = await startTestServer({ token: 'comfy-secret-123' });
  try {
    const none = await refusedUpgrade(server, '/ws?clientId=a');
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).error.code, 'unauthorized');
    assert.equal((await refusedUpgrade(server, '/ws?clientId=a&token=wrong-token-000')).status, 401);
    assert.equal((await refusedUpgrade(server, '/ws?token=comfy-secret-123', { origin: 'https://evil.example' })).status, 403);
    assert.equal((await refusedUpgrade(server, `/ws?clientId=${'x'.repeat(300)}&token=comfy-secret-123`)).status, 400);
    const byQuery = await connectComfyWs(server, '/ws?clientId=a&token=comfy-secret-123');
    assert.equal((await byQuery.waitFor((m) => m.type === 'status', 'greeting')).data.sid, 'a');
    const byHeader = await connectComfyWs(server, '/ws?clientId=b', { authorization: 'Bearer comfy-secret-123', origin: server.url });
    assert.equal((await byHeader.waitFor((m) => m.type === 'status', 'greeting')).data.sid, 'b');
    await Promise.all([byQuery.close(), byHeader.close()]);
  } finally {
    await server.dispose();
  }
});

test('shutting the server down closes every /ws socket with 1001 (going away)', async () => {
  const server = await startTestServer();
  try {
    const ws = await connectComfyWs(server, '/ws?clientId=bye');
    await ws.waitFor((m) => m.type === 'status', 'greeting');
    await server.close();
    const closed = await ws.closed;
    assert.equal(closed.code, 1001);
  } finally {
    await server.dispose();
  }
});
