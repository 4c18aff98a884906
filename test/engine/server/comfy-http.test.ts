import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestServer } from '../../helpers/server.js';
import { imageChainPrompt, waitForHistory } from './comfy-ws-client.js';

test('POST /prompt with an invalid prompt answers 400 in ComfyUI shape: error + node_errors with input names and dependent outputs', async () => {
  const server = await startTestServer();
  try {
    const prompt = {
      '1': { class_type: 'EmptyImage', inputs: { width: -5, height: 32, batch_size: 1, color: 0 } },
      '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { filename_prefix: 'bad' } },
      '4': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'bad' } },
    };
    const answer = await server.request('/prompt', { body: { prompt, client_id: 'c' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.type, 'prompt_outputs_failed_validation');
    assert.equal(answer.body.error.message, 'Prompt outputs failed validation');
    assert.equal(typeof answer.body.error.details, 'string');
    assert.deepEqual(answer.body.error.extra_info, {});
    const tooSmall = answer.body.node_errors['1'];
    assert.equal(tooSmall.class_type, 'EmptyImage');
    assert.equal(tooSmall.errors[0].type, 'value_smaller_than_min');
    assert.equal(tooSmall.errors[0].extra_info.input_name, 'width');
    assert.equal(tooSmall.errors[0].extra_info.received_value, -5);
    assert.match(tooSmall.errors[0].details, /width/);
    assert.deepEqual(tooSmall.dependent_outputs, ['4']);
    const missing = answer.body.node_errors['3'];
    assert.equal(missing.class_type, 'SaveImage');
    assert.equal(missing.errors[0].type, 'required_input_missing');
    assert.equal(missing.errors[0].message, 'Required input is missing');
    assert.equal(missing.errors[0].extra_info.input_name, 'images');
    // Nothing was queued.
    assert.deepEqual((await server.request('/queue')).body, { queue_running: [], queue_pending: [] });

    const unknown = await server.request('/prompt', { body: { prompt: { '7': { class_type: 'NoSuchNode', inputs: {}, _meta: { title: 'Mystery' } } } } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.type, 'missing_node_type');
    assert.deepEqual(unknown.body.error.extra_info, { node_id: '7', class_type: 'NoSuchNode', node_title: 'Mystery' });
    assert.equal(unknown.body.node_errors['7'].errors[0].type, 'missing_node_type');

    const noOutputs = await server.request('/prompt', { body: { prompt: { '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } } } } });
    assert.equal(noOutputs.status, 400);
    assert.equal(noOutputs.body.error.type, 'prompt_no_outputs');
    assert.deepEqual(noOutputs.body.node_errors, {});

    const noPrompt = await server.request('/prompt', { body: { client_id: 'c' } });
    assert.equal(noPrompt.status, 400);
    assert.deepEqual(noPrompt.body, { error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} });

    const notAPrompt = await server.request('/api/prompt', { body: { prompt: 5 } });
    assert.equal(notAPrompt.status, 400);
    assert.equal(notAPrompt.body.error.type, 'invalid_prompt');
  } finally {
    await server.dispose();
  }
});

test('malformed ComfyUI requests get 400 in ComfyUI shape, a taken prompt_id 409, and the server keeps serving', async () => {
  const server = await startTestServer();
  try {
    const bad: [string, unknown][] = [
      ['/prompt', { prompt: imageChainPrompt('x'), client_id: 5 }],
      ['/prompt', { prompt: imageChainPrompt('x'), front: 'yes' }],
      ['/prompt', { prompt: imageChainPrompt('x'), extra_data: [1, 2] }],
      ['/prompt', { prompt: imageChainPrompt('x'), partial_execution_targets: '3' }],
      ['/prompt', { prompt: { '1': 'not a node' } }],
      ['/prompt', { prompt: { '1': { class_type: 5, inputs: {} } } }],
      ['/prompt', { prompt: [] }],
      ['/prompt', []],
      ['/prompt', 'text'],
      ['/queue', { delete: 'abc' }],
      ['/queue', { clear: 'yes' }],
      ['/history', { delete: [{}] }],
      ['/interrupt', { prompt_id: {} }],
      ['/free', { free_memory: 'please' }],
    ];
    for (const [path, body] of bad) {
      const answer = await server.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      assert.equal(answer.status, 400, `${path} ${JSON.stringify(body)} → ${answer.status} ${answer.text}`);
      assert.equal(typeof answer.body.error.type, 'string', `${path} ${JSON.stringify(body)}: ${answer.text}`);
      assert.equal(typeof answer.body.error.message, 'string');
      assert.deepEqual(answer.body.node_errors, {});
    }
    for (const query of ['max_items=abc', 'offset=1.5', 'max_items=-2']) {
      const answer = await server.request(`/history?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.error.type, 'invalid_input');
    }
    const first = await server.request('/prompt', { body: { prompt: imageChainPrompt('dup/x'), prompt_id: 'same-id' } });
    assert.equal(first.status, 200, first.text);
    const again = await server.request('/prompt', { body: { prompt: imageChainPrompt('dup/x'), prompt_id: 'same-id' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.type, 'conflict');
    assert.equal((await server.request('/system_stats')).status, 200);
  } finally {
    await server.dispose();
  }
});

test('POST /prompt is rate-limited like native submissions (429 in ComfyUI shape)', async () => {
  const server = await startTestServer({ submitRatePerSecond: 0.001, submitBurst: 1 });
  try {
    assert.equal((await server.request('/prompt', { body: { prompt: imageChainPrompt('rate/a') } })).status, 200);
    const limited = await server.request('/prompt', { body: { prompt: imageChainPrompt('rate/b') } });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.type, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  } finally {
    await server.dispose();
  }
});

test('GET /object_info: ComfyUI class names with ComfyUI-shaped inputs, ETag and 304, gzip, one class, and new uploads in LoadImage', async () => {
  const server = await startTestServer();
  try {
    const all = await server.request('/object_info');
    assert.equal(all.status, 200);
    const load = all.body.LoadImage;
    assert.equal(load.name, 'LoadImage');
    assert.ok(Array.isArray(load.input.required.image[0]), 'a combo is [[options...], {...}]');
    assert.deepEqual(load.input_order.required, ['image']);
    assert.deepEqual(load.output, ['IMAGE', 'MASK']);
    assert.deepEqual(load.output_is_list, [false, false]);
    assert.equal(load.output_node, false);
    assert.equal(typeof load.python_module, 'string');
    assert.equal(typeof load.category, 'string');
    const empty = all.body.EmptyImage;
    assert.deepEqual(empty.input.required.width, ['INT', { default: 512, min: 1, max: empty.input.required.width[1].max }]);
    assert.equal(all.body.SaveImage.output_node, true);
    assert.deepEqual(all.body.SaveImage.input.required.images, ['IMAGE', { tooltip: 'The images to save.' }]);
    assert.ok(all.body['image.load'], 'our own type ids are listed too');

    const etag = all.headers.get('etag');
    assert.ok(etag);
    const again = await server.request('/object_info', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const gz = await fetch(`${server.url}/api/object_info`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(await gz.json(), all.body);

    const one = await server.request('/object_info/LoadImage');
    assert.deepEqual(one.body, { LoadImage: load });
    assert.deepEqual((await server.request('/object_info/NoSuchNode')).body, {});

    // An upload changes LoadImage's options: the document follows at once (and its ETag changes).
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } }).png().toBuffer();
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'fresh-upload.png');
    const uploaded = await fetch(`${server.url}/upload/image`, { method: 'POST', body: form });
    assert.equal(uploaded.status, 200, await uploaded.clone().text());
    const after = await server.request('/object_info', { headers: { 'if-none-match': etag } });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.get('etag'), etag);
    assert.ok(after.body.LoadImage.input.required.image[0].includes('fresh-upload.png'));
  } finally {
    await server.dispose();
  }
});

test('system_stats, free, embeddings, extensions and features answer in ComfyUI shape (also under /api/)', async () => {
  const server = await startTestServer();
  try {
    for (const prefix of ['', '/api']) {
      const stats = await server.request(`${prefix}/system_stats`);
      assert.equal(stats.status, 200);
      const { system, devices } = stats.body;
      assert.ok(system.os === 'posix' || system.os === 'nt');
      assert.ok(system.ram_total > 0 && system.ram_free > 0 && system.ram_free <= system.ram_total);
      assert.equal(system.embedded_python, false);
      assert.match(system.python_version, /^Node\.js v\d+/);
      assert.equal(typeof system.comfyui_version, 'string');
      assert.equal(devices[0].name, 'cpu');
      assert.equal(devices[0].type, 'cpu');
      assert.equal(typeof devices[0].vram_total, 'number');
      assert.equal(typeof devices[0].vram_free, 'number');
      assert.deepEqual((await server.request(`${prefix}/embeddings`)).body, []);
      assert.deepEqual((await server.request(`${prefix}/extensions`)).body, []);
      assert.equal(typeof (await server.request(`${prefix}/features`)).body.max_upload_size, 'number');
    }
    // Fill the cache with a run, then free it.
    const submitted = await server.request('/prompt', { body: { prompt: imageChainPrompt('free/x') } });
    await waitForHistory(server, submitted.body.prompt_id);
    assert.ok(server.server.ctx.engine.cache.stats().entries > 0);
    const freed = await server.request('/free', { body: { free_memory: true, unload_models: true } });
    assert.equal(freed.status, 200);
    assert.equal(freed.body.cache_cleared, true);
    assert.ok(freed.body.cache_bytes_freed > 0);
    assert.equal(freed.body.models_unloaded, true);
    assert.deepEqual(freed.body.notes, []);
    assert.equal(server.server.ctx.engine.cache.stats().entries, 0);
    const nothing = await server.request('/free', { method: 'POST' });
    assert.equal(nothing.status, 200);
    assert.equal(nothing.body.cache_cleared, false);
  } finally {
    await server.dispose();
  }
});

test('/history lists finished prompts oldest first with max_items/offset, and POST /history deletes and clears', async () => {
  const server = await startTestServer();
  try {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const answer = await server.request('/prompt', { body: { prompt: imageChainPrompt(`hist/${name}`), prompt_id: `hist-${name}` } });
      assert.equal(answer.status, 200, answer.text);
      ids.push(answer.body.prompt_id);
      await waitForHistory(server, answer.body.prompt_id);
    }
    assert.deepEqual(Object.keys((await server.request('/history')).body), ids);
    assert.deepEqual(Object.keys((await server.request('/history?max_items=2')).body), ['hist-b', 'hist-c']);
    assert.deepEqual(Object.keys((await server.request('/history?max_items=1&offset=0')).body), ['hist-a']);
    assert.deepEqual(Object.keys((await server.request('/api/history?offset=1')).body), ['hist-b', 'hist-c']);
    assert.deepEqual((await server.request('/history/no-such-id')).body, {});

    const deleted = await server.request('/history', { body: { delete: ['hist-a', 'unknown'] } });
    assert.deepEqual(deleted.body.deleted, ['hist-a']);
    assert.deepEqual(Object.keys((await server.request('/history')).body), ['hist-b', 'hist-c']);
    await server.request('/api/history', { body: { clear: true } });
    assert.deepEqual((await server.request('/history')).body, {});
  } finally {
    await server.dispose();
  }
});

test('POST /interrupt without a running prompt is harmless; /api/interrupt with a native {id} body reaches the native route', async () => {
  const server = await startTestServer();
  try {
    const plain = await server.request('/interrupt', { method: 'POST' });
    assert.equal(plain.status, 200);
    assert.deepEqual(plain.body.interrupted, []);
    const comfy = await server.request('/api/interrupt', { body: { prompt_id: 'not-running' } });
    assert.equal(comfy.status, 200);
    assert.deepEqual(comfy.body.interrupted, []);
    const native = await server.request('/api/interrupt', { body: { id: 'no-such-run' } });
    assert.equal(native.status, 404);
    assert.equal(native.body.error.code, 'not_found', 'the native route answers in the native shape');
  } finally {
    await server.dispose();
  }
});
