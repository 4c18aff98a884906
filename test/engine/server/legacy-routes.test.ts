/**
 * The older API's routes on a real server with the built-in packs: every generation route
 * validates its body (400 naming every problem: seeds, sizes, base64 with positions, data URI
 * types, corrupt images, input file names); the text-to-image routes run their shipped
 * workflows on the demo models and answer in the older API's shape (images, seed, size), and
 * the routes whose packs are not written yet answer an honest 501 naming the node types and
 * packs they still need; nothing is written for a refused request.
 * The TTS and ComfyUI status routes answer their shapes; the remote ComfyUI probe is checked
 * against a local stand-in HTTP server (we cannot run ComfyUI here) and a closed port.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { LEGACY_ROUTES } from '../../../engine/server/legacy/routes.js';
import { wavBytes } from './files-fixtures.js';

let server: TestServer;
let png: Buffer;
let pngBase64: string;
let jpegBase64: string;
let wavBase64: string;

before(async () => {
  server = await startTestServer();
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
  pngBase64 = png.toString('base64');
  jpegBase64 = (await sharp(png).jpeg().toBuffer()).toString('base64');
  wavBase64 = wavBytes(16).toString('base64');
});

after(async () => {
  await server.dispose();
});

/** A valid body for each route. */
function validBody(path: string): Record<string, unknown> {
  if (path.startsWith('/api/generate/')) return { prompt: 'a lighthouse at dusk', width: 512, height: 512, seed: 0 };
  if (path.startsWith('/api/caption/')) return { image: `data:image/png;base64,${pngBase64}`, prompt: 'What is this?' };
  if (path.startsWith('/api/controlnet/')) return { prompt: 'a castle', control_image: pngBase64, strength: 0.8 };
  if (path === '/api/video/animatediff') return { prompt: 'waves', frames: 8, fps: 8 };
  if (path.startsWith('/api/video/')) return { image: pngBase64, frames: 14, fps: 7 };
  if (path === '/api/talking-head/infinitetalk') return { image: pngBase64, audio: `data:audio/wav;base64,${wavBase64}` };
  throw new Error(`no valid body for ${path}`);
}

async function legacyInputFiles(): Promise<string[]> {
  return readdir(join(server.dataDir, 'input', 'legacy')).catch(() => []);
}

test('every legacy generation route without its pack yet answers 501 not_available with a valid body, naming the missing node types and their packs', async () => {
  assert.equal(LEGACY_ROUTES.length, 13);
  for (const route of LEGACY_ROUTES.filter((r) => !r.path.startsWith('/api/generate/'))) {
    const answer = await server.request(route.path, { body: validBody(route.path) });
    assert.equal(answer.status, 501, `${route.path}: ${answer.text}`);
    const error = answer.body.error;
    assert.equal(error.code, 'not_available', route.path);
    assert.match(error.message, new RegExp(`^POST ${route.path} is not available yet: `));
    assert.match(error.message, /is not installed/, 'the workflow file is missing too');
    assert.equal(error.details.workflow_installed, false);
    assert.equal(error.details.workflow, route.workflow);
    const missing: string[] = error.details.missing_node_types;
    assert.ok(missing.length > 0, route.path);
    for (const type of missing) assert.ok(error.message.includes(type), `${route.path} names ${type}`);
    // Node types that exist now (the image pack's) are never reported missing.
    assert.ok(!missing.includes('LoadImage') && !missing.includes('SaveImage'), route.path);
  }
  // Nothing is stored for a request that cannot run.
  assert.deepEqual(await legacyInputFiles(), []);
});

test('the 501 says which pack and issue bring the missing nodes', async () => {
  const caption = await server.request('/api/caption/blip', { body: { image: pngBase64 } });
  assert.deepEqual(caption.body.error.details.missing_node_types, ['ImageCaption']);
  assert.match(caption.body.error.message, /ImageCaption from the caption pack/);
  const talk = await server.request('/api/talking-head/infinitetalk', { body: validBody('/api/talking-head/infinitetalk') });
  const packs = talk.body.error.details.missing_packs.map((p: { pack: string }) => p.pack).sort();
  assert.deepEqual(packs, ['audio', 'comfyui', 'video']);
});

test('seed 0 is a seed like any other; -1 and fractions are refused with a hint', async () => {
  const small = { width: 64, height: 64, steps: 2 };
  const zero = await server.request('/api/generate/sdxl', { body: { prompt: 'a cat', seed: 0, ...small } });
  assert.equal(zero.status, 200, `seed 0 passes validation and runs: ${zero.text}`);
  assert.equal(zero.body.seed, 0);
  const again = await server.request('/api/generate/sdxl', { body: { prompt: 'a cat', seed: 0, ...small, return_base64: true } });
  const repeat = await server.request('/api/generate/sdxl', { body: { prompt: 'a cat', seed: 0, ...small, return_base64: true } });
  assert.equal(again.body.images[0].base64, repeat.body.images[0].base64, 'seed 0 gives the same image every time');
  const numericString = await server.request('/api/generate/sdxl', { body: { prompt: 'a cat', seed: '0', width: '64', height: 64, steps: '2' } });
  assert.equal(numericString.status, 200, `numbers as strings are read like the Python API did: ${numericString.text}`);
  const negative = await server.request('/api/generate/sdxl', { body: { prompt: 'a cat', seed: -1 } });
  assert.equal(negative.status, 400);
  assert.equal(negative.body.error.code, 'invalid_input');
  assert.deepEqual(negative.body.error.details.problems, ['seed: must be 0 or more, got -1 (0 is a valid seed; leave "seed" out for a random one)']);
  const fraction = await server.request('/api/generate/sdxl', { body: { prompt: 'a cat', seed: 2.5 } });
  assert.deepEqual(fraction.body.error.details.problems, ['seed: must be a whole number, got 2.5']);
});

test('each text-to-image route runs its shipped workflow on the demo model and answers in the older API shape', async () => {
  for (const family of ['flux', 'sdxl', 'sd3', 'pony']) {
    const answer = await server.request(`/api/generate/${family}`, { body: { prompt: 'a lighthouse at dusk', negative_prompt: 'fog', width: 64, height: 80, steps: 2, seed: 7, num_images: 2, return_base64: true } });
    assert.equal(answer.status, 200, `${family}: ${answer.text}`);
    const body = answer.body;
    assert.deepEqual([body.success, body.model, body.seed, body.width, body.height, body.steps], [true, family, 7, 64, 80, 2]);
    assert.equal(body.images.length, 2, `${family}: num_images is the batch size`);
    for (const image of body.images) {
      assert.equal(image.mime_type, 'image/png');
      assert.equal(image.subfolder, 'legacy');
      assert.match(image.filename, new RegExp(`^${family}_\\d{5}_\\.png$`));
      const meta = await sharp(Buffer.from(image.base64, 'base64')).metadata();
      assert.deepEqual([meta.width, meta.height], [64, 80]);
      const fetched = await server.request(image.url);
      assert.equal(fetched.status, 200);
    }
    assert.match(body.run_id, /\S/);
  }
  const unknown = await server.request('/api/generate/sdxl', { body: { prompt: 'x', model: 'no-such-model', width: 64, height: 64 } });
  assert.equal(unknown.status, 400, unknown.text);
  assert.match(unknown.text, /no diffusion model \\"no-such-model\\".*available: .*demo-sdxl/);
  const flux = await server.request('/api/generate/flux', { body: { prompt: 'x', width: 72, height: 64, steps: 1 } });
  assert.match(flux.text, /multiples of 16/, 'Flux packs 2×2 latent patches: a clear message for other sizes');
});

test('an invalid generate body is refused with every problem at once', async () => {
  const answer = await server.request('/api/generate/flux', { body: { width: 513, height: 4096, seed: -1, steps: 'many', num_images: 0 } });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.code, 'invalid_input');
  const problems: string[] = answer.body.error.details.problems;
  assert.ok(problems.includes('prompt: is required'), problems.join('\n'));
  assert.ok(problems.includes('width: must be a multiple of 8, got 513'));
  assert.ok(problems.includes('height: must be at most 2048, got 4096'));
  assert.ok(problems.some((p) => p.startsWith('seed: must be 0 or more, got -1')));
  assert.ok(problems.includes('steps: must be an integer, got the string "many"'));
  assert.ok(problems.includes('num_images: must be at least 1, got 0'));
  assert.match(answer.body.error.message, /^invalid request to POST \/api\/generate\/flux: /);
  const blank = await server.request('/api/generate/flux', { body: { prompt: '   ' } });
  assert.deepEqual(blank.body.error.details.problems, ['prompt: must not be empty']);
  const array = await server.request('/api/generate/flux', { body: [1, 2] });
  assert.equal(array.status, 400);
  assert.match(array.body.error.message, /the body must be a JSON object/);
  const noType = await server.request('/api/generate/flux', { body: 'prompt=cat', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(noType.status, 400);
  assert.match(noType.body.error.message, /Content-Type: application\/json/);
  const badAsync = await server.request('/api/generate/flux?async=maybe', { body: { prompt: 'x' } });
  assert.equal(badAsync.status, 400);
  assert.match(badAsync.body.error.message, /query parameter async: must be true or false/);
});

test('base64 media fields are checked strictly: characters with their position, padding, emptiness, URLs, data URI types, corrupt images, size', async () => {
  const problemOf = async (path: string, body: Record<string, unknown>): Promise<string> => {
    const answer = await server.request(path, { body });
    assert.equal(answer.status, 400, `${path} ${JSON.stringify(body).slice(0, 80)}: ${answer.text.slice(0, 300)}`);
    assert.equal(answer.body.error.code, 'invalid_input');
    assert.equal(answer.body.error.details.problems.length, 1, answer.text);
    return answer.body.error.details.problems[0] as string;
  };
  const caption = '/api/caption/llava';
  assert.equal(await problemOf(caption, { image: 'iVBORw0KGgo*AAAA' }), 'image: data is not valid base64: invalid character "*" at position 11');
  // Positions count from the start of the value, data URI prefix included.
  assert.equal(await problemOf(caption, { image: 'data:image/png;base64,iVBO#w0K' }), 'image: data is not valid base64: invalid character "#" at position 26');
  assert.match(await problemOf(caption, { image: 'iVBORw0KGgo-AAAA' }), /invalid character "-" at position 11 \(this looks like base64url/);
  assert.match(await problemOf(caption, { image: 'QUJDRA' }), /image: data is not valid base64: its length \(6 characters without line breaks\) is not a multiple of 4/);
  assert.match(await problemOf(caption, { image: 'QUJD=A==' }), /image: data is not valid base64: data continues after "=" padding at position 5/);
  assert.equal(await problemOf(caption, { image: '' }), 'image: is empty; expected base64 image data or a data: URI');
  assert.match(await problemOf(caption, { image: 'https://example.com/cat.png' }), /^image: is a URL; URLs are not fetched/);
  assert.equal(await problemOf(caption, { image: `data:image/jpeg;base64,${pngBase64}` }), 'image: the data URI declares image/jpeg but the data is image/png');
  assert.equal(await problemOf(caption, { image: `data:image/png;base64,${jpegBase64}` }), 'image: the data URI declares image/png but the data is image/jpeg');
  assert.match(await problemOf(caption, { image: 'data:image/png,rawbytes' }), /image: data URI must be base64-encoded/);
  assert.match(await problemOf(caption, { image: Buffer.from('just some text, not an image').toString('base64') }), /^image: the decoded data is in no format we recognise, not an image we read/);
  // A PNG cut short: its signature says PNG, but it does not decode.
  const corrupt = png.subarray(0, 40).toString('base64');
  assert.match(await problemOf(caption, { image: corrupt }), /^image: the data is image\/png but it cannot be decoded: /);
  assert.match(await problemOf('/api/controlnet/union', { prompt: 'x', control_image: corrupt }), /^control_image: the data is image\/png but it cannot be decoded/);
  // Audio fields take audio only.
  assert.match(await problemOf('/api/talking-head/infinitetalk', { image: pngBase64, audio: pngBase64 }), /^audio: the decoded data is image\/png, not audio we read/);
  assert.equal(await problemOf('/api/talking-head/infinitetalk', { image: pngBase64, audio: `data:audio/mpeg;base64,${wavBase64}` }), 'audio: the data URI declares audio/mpeg but the data is audio/wav');
  // Past the size limit (20 MiB decoded), judged from the length before decoding anything.
  const huge = 'A'.repeat(28 * 1024 * 1024);
  const tooBig = await server.request('/api/video/svd', { body: { image: huge } });
  assert.equal(tooBig.status, 400, tooBig.text.slice(0, 200));
  assert.match(tooBig.body.error.details.problems[0], /^image: decodes to \d+ bytes, more than the limit of 20971520 bytes/);
  assert.deepEqual(await legacyInputFiles(), []);
});

test('captions take an uploaded file by name instead: it must be a safe name of an existing input file, and exactly one source is given', async () => {
  await writeFile(join(server.dataDir, 'input', 'cat.png'), png);
  const byName = await server.request('/api/caption/qwen', { body: { image_name: 'cat.png' } });
  assert.equal(byName.status, 501, byName.text);
  const missing = await server.request('/api/caption/qwen', { body: { image_name: 'dog.png' } });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.details.problems[0], /^image_name: no file "dog.png" in the input folder/);
  const escape = await server.request('/api/caption/qwen', { body: { image_name: '../../etc/passwd' } });
  assert.equal(escape.status, 400);
  assert.match(escape.body.error.details.problems[0], /^image_name: .*not a safe/);
  const both = await server.request('/api/caption/qwen', { body: { image_name: 'cat.png', image: pngBase64 } });
  assert.equal(both.status, 400);
  assert.match(both.body.error.details.problems[0], /give either "image" \(base64\) or "image_name"/);
  const none = await server.request('/api/caption/qwen', { body: { prompt: 'what?' } });
  assert.match(none.body.error.details.problems[0], /^image: is required/);
});

test('GET /api/tts/status says honestly that TTS is not available yet', async () => {
  const answer = await server.request('/api/tts/status');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.success, true);
  assert.equal(answer.body.available, false);
  assert.match(answer.body.reason, /audio pack/);
  assert.ok(Array.isArray(answer.body.engines));
  for (const engine of answer.body.engines) assert.equal(engine.name, 'espeak-ng');
  assert.deepEqual(answer.body.node_types, { needed: ['TextToSpeech'], missing: ['TextToSpeech'] });
});

test('GET /api/comfyui/status reports the built-in ComfyUI API with its URLs and queue counts', async () => {
  const answer = await server.request('/api/comfyui/status');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.available, true);
  assert.equal(answer.body.mode, 'built-in');
  assert.equal(answer.body.url, server.url);
  assert.equal(answer.body.endpoints.prompt, `${server.url}/prompt`);
  assert.equal(answer.body.endpoints.ws, `${server.url.replace('http', 'ws')}/ws`);
  assert.deepEqual(Object.keys(answer.body.queue).sort(), ['finished', 'pending', 'running']);
  assert.equal(answer.body.remote, null);
  // The endpoint it advertises answers.
  const stats = await server.request('/system_stats');
  assert.equal(stats.status, 200);
});

test('with SWITCHYARD_COMFYUI_URL set, the remote ComfyUI is probed: reachable (a stand-in server) or not (a closed port)', async () => {
  // A stand-in for a remote ComfyUI: ComfyUI itself cannot run here.
  const standIn: Server = createServer((req, res) => {
    if (req.url === '/system_stats' && req.headers.authorization === `Basic ${Buffer.from('user:secret').toString('base64')}`) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ system: { comfyui_version: '0.3.64', os: 'posix' }, devices: [] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const port = (standIn.address() as { port: number }).port;
  const reachable = await startTestServer({ comfyuiUrl: `http://user:secret@127.0.0.1:${port}` });
  try {
    const answer = await reachable.request('/api/comfyui/status');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.remote.reachable, true);
    assert.equal(answer.body.remote.status, 200);
    assert.equal(answer.body.remote.version, '0.3.64');
    assert.equal(answer.body.remote.url, `http://127.0.0.1:${port}/`, 'credentials are not shown');
  } finally {
    await reachable.dispose();
    await new Promise<void>((resolve) => standIn.close(() => resolve()));
  }
  // The stand-in is closed now: the same port refuses connections.
  const unreachable = await startTestServer({ comfyuiUrl: `http://127.0.0.1:${port}` });
  try {
    const answer = await unreachable.request('/api/comfyui/status');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.available, true, 'the built-in API is available whatever the remote does');
    assert.equal(answer.body.remote.reachable, false);
    assert.equal(answer.body.remote.status, null);
    assert.ok(answer.body.remote.error.length > 0);
  } finally {
    await unreachable.dispose();
  }
});
