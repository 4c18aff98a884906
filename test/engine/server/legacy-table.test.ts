/**
 * The legacy route-table machinery end to end, with entries whose nodes exist: the table's
 * router (built by `buildLegacyRouter`, as `legacyRoutes` builds the real one) is mounted on an
 * express app of its own that shares a real test server's engine, queue and folders. Runs go
 * through the real queue and executor; answers come back in the legacy shape.
 *
 * Test-only entries: "invert" (LoadImage → ImageInvert → SaveImage, image sent as base64),
 * "seed" (core.seed → core.show_text: proves a body's seed reaches the workflow unchanged),
 * and "hold"/"fail" backed by test node types registered on the server's engine (a node that
 * waits for a gate this file opens, and one that throws).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import sharp from 'sharp';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { defineNode } from '../../../engine/nodes/define.js';
import type { RunRecord } from '../../../engine/queue/types.js';
import { errorHandler } from '../../../engine/server/http/errors.js';
import { buildLegacyRouter } from '../../../engine/server/legacy/router.js';
import { defineLegacyRoute, type LegacyRoute } from '../../../engine/server/legacy/table.js';
import { flag, imageField, seedField, requiredText } from '../../../engine/server/legacy/fields.js';
import { ImagesAnswerSchema } from '../../../engine/server/legacy/answer.js';
import type { FoundWorkflow } from '../../../engine/server/legacy/needs.js';

// ---- test node types: a gate-held node and a failing one -------------------------------------

const gates = new Map<string, { promise: Promise<void>; open: () => void }>();
function gate(key: string) {
  let entry = gates.get(key);
  if (!entry) {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    entry = { promise, open };
    gates.set(key, entry);
  }
  return entry;
}

const holdNode = defineNode({
  type: 'legacy_test.hold', title: 'Hold', category: 'test', cache: false, output: true,
  inputs: { key: { type: 'STRING' } },
  outputs: {},
  async run(inputs, ctx) {
    await Promise.race([gate(inputs.key).promise, new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))]);
    ctx.throwIfAborted();
    return { ui: { text: [`released ${inputs.key}`] } };
  },
});

const failNode = defineNode({
  type: 'legacy_test.fail', title: 'Fail', category: 'test', cache: false, output: true,
  inputs: { value: { type: 'INT' } },
  outputs: {},
  run(inputs): never {
    throw new Error(`refusing ${inputs.value}`);
  },
});

// ---- workflows and entries --------------------------------------------------------------------

const WORKFLOWS: Record<string, unknown> = {
  'test/invert': {
    schemaVersion: 1,
    nodes: {
      load: { type: 'LoadImage', inputs: { image: 'placeholder.png' } },
      invert: { type: 'ImageInvert', inputs: { image: ['load', 0] } },
      save: { type: 'SaveImage', inputs: { images: ['invert', 0], filename_prefix: 'legacy-test/invert' } },
    },
  },
  'test/seed': {
    schemaVersion: 1,
    nodes: {
      seed: { type: 'core.seed', inputs: { seed: 12345, control: 'fixed' } },
      show: { type: 'core.show_text', inputs: { value: ['seed', 0] } },
    },
  },
  'test/hold': { schemaVersion: 1, nodes: { hold: { type: 'legacy_test.hold', inputs: { key: 'none' } } } },
  'test/fail': { schemaVersion: 1, nodes: { one: { type: 'core.int', inputs: { value: 3 } }, fail: { type: 'legacy_test.fail', inputs: { value: ['one', 0] } } } },
  'test/unknown-node': { schemaVersion: 1, nodes: { x: { type: 'NoSuchNode', inputs: {} } } },
};

const find = async (name: string): Promise<FoundWorkflow | undefined> => (Object.hasOwn(WORKFLOWS, name) ? { document: JSON.stringify(WORKFLOWS[name]) } : undefined);

const invert = defineLegacyRoute({
  path: '/api/test/invert',
  summary: 'Inverts an image',
  task: 'image inversion',
  model: 'invert',
  workflow: 'test/invert',
  body: z.object({ image: imageField(), return_base64: flag(true) }),
  aliases: { image_base64: 'image' },
  response: ImagesAnswerSchema,
  needs: [{ type: 'LoadImage', pack: 'image' }, { type: 'ImageInvert', pack: 'image' }, { type: 'SaveImage', pack: 'image' }],
  params: (body, media) => ({ 'load.image': media(body.image) }),
  async answer(body, _run, kit) {
    return { success: true as const, model: 'invert', images: await kit.images({ base64: body.return_base64 }), seed: 0, ...kit.timing() };
  },
});

const SeedAnswer = z.object({ success: z.literal(true), seed: z.number(), shown: z.string() });
const seed = defineLegacyRoute({
  path: '/api/test/seed',
  summary: 'Passes a seed through a workflow',
  task: 'seed echo',
  model: 'seed',
  workflow: 'test/seed',
  body: z.object({ seed: seedField(), note: requiredText().optional() }),
  response: SeedAnswer,
  needs: [{ type: 'core.seed', pack: 'core' }, { type: 'core.show_text', pack: 'core' }],
  params: (body) => ({ 'seed.seed': body.seed }),
  async answer(body, _run, kit) {
    return { success: true as const, seed: body.seed, shown: kit.texts()[0]! };
  },
});

const KeyBody = z.object({ key: requiredText() });
const TextAnswer = z.object({ success: z.literal(true), texts: z.array(z.string()) });
function keyRoute(path: string, workflow: string, params: (body: { key: string }) => Record<string, unknown>, needs: LegacyRoute['needs'] = []): LegacyRoute {
  return defineLegacyRoute({
    path, summary: path, task: 'testing', model: 'test', workflow, body: KeyBody, response: TextAnswer, needs, params,
    async answer(_body, _run, kit) {
      return { success: true as const, texts: kit.texts() };
    },
  });
}

const hold = keyRoute('/api/test/hold', 'test/hold', (body) => ({ 'hold.key': body.key }));
const holdBriefly = keyRoute('/api/test/hold-briefly', 'test/hold', (body) => ({ 'hold.key': body.key }));
const fail = keyRoute('/api/test/fail', 'test/fail', () => ({}));
const brokenContract = keyRoute('/api/test/broken-contract', 'test/seed', (body) => ({ 'seed.seed': 1, 'nowhere.value': body.key }));
const unknownNode = keyRoute('/api/test/unknown-node', 'test/unknown-node', () => ({}));
const noWorkflow = keyRoute('/api/test/no-workflow', 'test/not-installed', () => ({}), [{ type: 'core.int', pack: 'core' }]);

// ---- the server and the app mounting the test table -------------------------------------------

let server: TestServer;
let app: Server;
let base: string;
let png: Buffer;

before(async () => {
  server = await startTestServer();
  const ctx = server.server.ctx;
  ctx.engine.registry.addAll([holdNode, failNode], 'legacy-test');
  const legacyApp = express();
  legacyApp.use(express.json({ limit: '8mb' }));
  legacyApp.use(buildLegacyRouter(ctx, [invert, seed, hold, fail, brokenContract, unknownNode, noWorkflow], { find }));
  legacyApp.use(buildLegacyRouter(ctx, [holdBriefly], { find, waitMs: 300 }));
  legacyApp.use(errorHandler(ctx.log));
  app = await new Promise<Server>((resolve) => {
    const listening = legacyApp.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
  png = await sharp({ create: { width: 4, height: 3, channels: 3, background: { r: 255, g: 0, b: 40 } } }).png().toBuffer();
});

after(async () => {
  for (const entry of gates.values()) entry.open();
  app.closeAllConnections();
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await server.dispose();
});

async function post(path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  return { status: response.status, body: await response.json() };
}

/** The record of run `id` once it has finished (whether it already had or not). */
function finished(id: string): Promise<RunRecord> {
  const queue = server.server.ctx.queue;
  return new Promise((resolve, reject) => {
    const off = queue.on('finished', (record) => {
      if (record.id !== id) return;
      off();
      resolve(record);
    });
    queue.get(id).then((record) => {
      if (record && ['success', 'error', 'interrupted', 'cancelled'].includes(record.status)) {
        off();
        resolve(record);
      }
    }, reject);
  });
}

test('a table entry whose nodes exist runs its workflow and answers in the legacy shape: the inverted image, by URL and as base64', async () => {
  const answer = await post('/api/test/invert', { image_base64: `data:image/png;base64,${png.toString('base64')}` });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.success, true);
  assert.equal(answer.body.model, 'invert');
  assert.equal(typeof answer.body.run_id, 'string');
  assert.ok(answer.body.elapsed_ms >= 0 && answer.body.queued_ms >= 0);
  assert.equal(answer.body.images.length, 1);
  const [image] = answer.body.images;
  assert.equal(image.type, 'output');
  assert.equal(image.subfolder, 'legacy-test');
  assert.equal(image.mime_type, 'image/png');
  assert.match(image.url, /^\/api\/outputs\/legacy-test\/invert_\d+_\.png$/);
  const { data, info } = await sharp(Buffer.from(image.base64, 'base64')).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [4, 3]);
  assert.deepEqual([...data.subarray(0, 3)], [0, 255, 215], 'the pixels are inverted');
  // The URL serves the same file from the server.
  const served = await fetch(`${server.url}${image.url}`);
  assert.equal(served.status, 200);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), Buffer.from(image.base64, 'base64'));
  // The image went into the input folder once, under its content hash: sending it again reuses it.
  const again = await post('/api/test/invert', { image: png.toString('base64'), return_base64: false });
  assert.equal(again.status, 200);
  assert.equal(again.body.images[0].base64, undefined, 'base64 only on request');
  const stored = await readdir(join(server.dataDir, 'input', 'legacy'));
  assert.equal(stored.length, 1);
  assert.match(stored[0]!, /^[0-9a-f]{32}\.png$/);
  const record = await server.server.ctx.queue.get(answer.body.run_id);
  assert.equal(record?.params?.['load.image'], `legacy/${stored[0]}`, 'the run record holds the file name, not the base64');
});

test('seed 0 reaches the workflow unchanged; a missing seed is drawn, used and reported; unknown fields come back as warnings', async () => {
  const zero = await post('/api/test/seed', { seed: 0 });
  assert.equal(zero.status, 200, JSON.stringify(zero.body));
  assert.deepEqual(zero.body, { success: true, seed: 0, shown: '0' });
  const drawn = await post('/api/test/seed', { sead: 5 });
  assert.equal(drawn.status, 200);
  assert.equal(typeof drawn.body.seed, 'number');
  assert.equal(drawn.body.shown, String(drawn.body.seed), 'the seed reported is the one the workflow used');
  assert.deepEqual(drawn.body.warnings, ['unknown field "sead" was ignored']);
  const refused = await post('/api/test/seed', { seed: -1 });
  assert.equal(refused.status, 400);
});

test('?async=1 (or async: true) answers 202 with the run id at once; the run finishes on its own', async () => {
  const answer = await post('/api/test/seed?async=1', { seed: 7 });
  assert.equal(answer.status, 202);
  assert.equal(answer.body.status, 'queued');
  assert.equal(answer.body.status_url, `/api/runs/${answer.body.run_id}`);
  const record = await finished(answer.body.run_id);
  assert.equal(record.status, 'success');
  assert.deepEqual(record.outputs.show?.text, ['7']);
  const viaBody = await post('/api/test/seed', { seed: 8, async: true });
  assert.equal(viaBody.status, 202);
  const polled = await fetch(`${server.url}${viaBody.body.status_url}`);
  assert.equal(polled.status, 200);
  assert.equal((await finished(viaBody.body.run_id)).status, 'success');
});

test('a run that fails answers 500 node_failed with the node error message and the run id', async () => {
  const answer = await post('/api/test/fail', { key: 'x' });
  assert.equal(answer.status, 500);
  assert.equal(answer.body.error.code, 'node_failed');
  assert.match(answer.body.error.message, /^the run failed: node fail \(legacy_test\.fail\) failed: refusing 3$/);
  assert.equal(typeof answer.body.error.details.run_id, 'string');
  assert.equal(answer.body.error.details.errors[0].node_id, 'fail');
});

test('a run that outlasts the wait answers 504 with the run id; the run goes on and finishes', async () => {
  const answer = await post('/api/test/hold-briefly', { key: 'slow' });
  assert.equal(answer.status, 504);
  assert.equal(answer.body.error.code, 'unavailable');
  const id = answer.body.error.details.run_id as string;
  assert.match(answer.body.error.message, new RegExp(`poll GET /api/runs/${id}`));
  const done = finished(id);
  gate('slow').open();
  const record = await done;
  assert.equal(record.status, 'success');
  assert.deepEqual(record.outputs.hold?.text, ['released slow']);
});

test('a client that disconnects while waiting leaves its run running to the end', async () => {
  const queue = server.server.ctx.queue;
  const started = new Promise<RunRecord>((resolve) => {
    const off = queue.on('started', (record) => {
      if (record.params?.['hold.key'] !== 'leaver') return;
      off();
      resolve(record);
    });
  });
  const controller = new AbortController();
  const request = post('/api/test/hold', { key: 'leaver' }, controller.signal).catch((error: unknown) => error);
  const record = await started;
  controller.abort();
  assert.equal(((await request) as Error).name, 'AbortError');
  const done = finished(record.id);
  gate('leaver').open();
  assert.equal((await done).status, 'success');
});

test('a workflow that breaks its route contract, uses an unknown node type, or is missing is reported as such, never run', async () => {
  const broken = await post('/api/test/broken-contract', { key: 'x' });
  assert.equal(broken.status, 500);
  assert.equal(broken.body.error.code, 'internal');
  assert.match(broken.body.error.message, /the workflow test\/seed does not fit POST \/api\/test\/broken-contract: it has no node "nowhere"/);
  const unknown = await post('/api/test/unknown-node', { key: 'x' });
  assert.equal(unknown.status, 501);
  assert.deepEqual(unknown.body.error.details.missing_node_types, ['NoSuchNode']);
  assert.equal(unknown.body.error.details.workflow_installed, true);
  assert.match(unknown.body.error.message, /NoSuchNode \(which no known pack provides\)/);
  const missing = await post('/api/test/no-workflow', { key: 'x' });
  assert.equal(missing.status, 501);
  assert.deepEqual(missing.body.error.details.missing_node_types, []);
  assert.match(missing.body.error.message, /its workflow test\/not-installed is not installed/);
});
