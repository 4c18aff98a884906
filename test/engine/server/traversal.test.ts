/**
 * Path traversal: a secret file sits beside the data folder (and one in the data folder root,
 * outside output/input); symlinks in the output and input folders lead out to it. Every attack
 * — raw, percent-encoded, double-encoded, overlong UTF-8, Unicode look-alikes, backslashes,
 * NUL bytes, absolute paths, drive letters, symlinks and symlinked folders — is sent raw through
 * node:http against `/api/outputs`, `/api/inputs`, ComfyUI's `/view` (filename and subfolder)
 * and the upload routes (subfolder and filename): each gets a 4xx, the secret never shows up
 * in any answer, and no upload lands outside the input folder. (Raw bytes above 0x7f on the
 * request line are refused by Node's HTTP parser before express; their percent-encoded forms
 * reach the resolver and are tested too.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { filesUnder, pngBytes, postMultipart, rawRequest, utf8Bytes, type RawResponse } from './files-fixtures.js';

interface Fixture {
  server: TestServer;
  parent: string;
  secret: string;
  cleanup(): Promise<void>;
}

async function setUp(): Promise<Fixture> {
  const parent = await mkdtemp(join(tmpdir(), 'switchyard-traversal-'));
  const secret = `TOP-SECRET-${randomUUID()}`;
  await writeFile(join(parent, 'secret.txt'), secret);
  await mkdir(join(parent, 'outside'));
  await writeFile(join(parent, 'outside', 'secret.txt'), secret);
  const dataDir = join(parent, 'data');
  const server = await startTestServer({ dataDir });
  const { output, input, temp, root } = server.server.ctx.engine.folders;
  await writeFile(join(root, 'secret-root.txt'), secret);
  await writeFile(join(output, '.hidden.txt'), secret);
  await mkdir(join(output, 'sub'));
  await writeFile(join(output, 'sub', 'ok.png'), await pngBytes(4, 4));
  for (const folder of [output, input, temp]) {
    await symlink(join(parent, 'secret.txt'), join(folder, 'escape.png'));
    await symlink(join(parent, 'outside'), join(folder, 'linkdir'));
  }
  return {
    server,
    parent,
    secret,
    async cleanup() {
      await server.dispose();
      await rm(parent, { recursive: true, force: true });
    },
  };
}

function assertRefused(response: RawResponse, secret: string, what: string): void {
  assert.ok(response.status >= 400 && response.status < 500, `${what}: expected a 4xx, got ${response.status} ${response.text.slice(0, 200)}`);
  assert.ok(!response.text.includes(secret), `${what}: the secret leaked`);
  assert.ok(!response.body.includes(Buffer.from(secret)), `${what}: the secret leaked (bytes)`);
}

const FULLWIDTH_DOTS = utf8Bytes('\uff0e\uff0e');
const TWO_DOT_LEADER = utf8Bytes('\u2025');

/** Paths after `/api/outputs/` (and `/api/inputs/`), as sent on the request line. */
const URL_ATTACKS: readonly string[] = [
  '../secret-root.txt',
  '../../secret.txt',
  './../../secret.txt',
  'sub/../../../secret.txt',
  '%2e%2e/%2e%2e/secret.txt',
  '%2E%2E%2F%2E%2E%2Fsecret.txt',
  '..%2f..%2fsecret.txt',
  '.%2e/.%2e/secret.txt',
  '%2e./%2e./secret.txt',
  'sub/%2e%2e/%2e%2e/%2e%2e/secret.txt',
  '%252e%252e/%252e%252e/secret.txt',
  '%252e%252e%252f%252e%252e%252fsecret.txt',
  '..%252f..%252fsecret.txt',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt',
  '..%c0%af..%c0%afsecret.txt',
  '%e0%80%ae%e0%80%ae/%e0%80%ae%e0%80%ae/secret.txt',
  '%c0%2e%c0%2e/secret.txt',
  `${FULLWIDTH_DOTS}/${FULLWIDTH_DOTS}/secret.txt`,
  '%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/secret.txt',
  `${TWO_DOT_LEADER}/${TWO_DOT_LEADER}/secret.txt`,
  '..%ef%bc%8f..%ef%bc%8fsecret.txt',
  '..\\..\\secret.txt',
  '..%5c..%5csecret.txt',
  '%2e%2e%5c%2e%2e%5csecret.txt',
  '..%255c..%255csecret.txt',
  '/etc/passwd',
  '%2fetc%2fpasswd',
  '//etc/passwd',
  'C:/Windows/win.ini',
  'C:%5cWindows%5cwin.ini',
  'secret.txt%00.png',
  '..%00/..%00/secret.txt',
  '%00../../secret.txt',
  'escape.png',
  'linkdir/secret.txt',
  '.hidden.txt',
  'sub/..',
  '..;/..;/secret.txt',
  '%zz%2e/secret.txt',
  '%u002e%u002e/secret.txt',
  '..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
];

test(`GET /api/outputs/<path> and /api/inputs/<path> refuse ${URL_ATTACKS.length} traversal encodings with a 4xx and never leak the secret`, async () => {
  const fixture = await setUp();
  try {
    assert.ok(URL_ATTACKS.length >= 25);
    // The fixture itself is served: the refusals below are about the paths, not a broken route.
    const ok = await rawRequest(fixture.server.url, '/api/outputs/sub/ok.png');
    assert.equal(ok.status, 200);
    for (const prefix of ['/api/outputs/', '/api/inputs/']) {
      for (const attack of URL_ATTACKS) {
        for (const method of ['GET', 'HEAD']) {
          const response = await rawRequest(fixture.server.url, prefix + attack, { method });
          assertRefused(response, fixture.secret, `${method} ${prefix}${attack}`);
          // Raw bytes above 0x7f are refused by Node's HTTP parser itself; everything else
          // reaches the safe resolver, which names the reason.
          if (method === 'GET' && !/[\x80-\xff]/.test(attack)) {
            assert.ok(['unsafe_path', 'not_found'].includes(response.json?.error?.code), `${prefix}${attack}: ${response.text}`);
          }
        }
      }
    }
    // Typical answers: a refusal names the reason; a JSON error body, never the file.
    const encoded = await rawRequest(fixture.server.url, '/api/outputs/%2e%2e/%2e%2e/secret.txt');
    assert.equal(encoded.status, 400);
    assert.equal(encoded.json.error.code, 'unsafe_path');
    const doubled = await rawRequest(fixture.server.url, '/api/outputs/%252e%252e/secret.txt');
    assert.match(doubled.json.error.message, /double encoding/);
    const link = await rawRequest(fixture.server.url, '/api/outputs/escape.png');
    assert.equal(link.json.error.code, 'unsafe_path');
    assert.match(link.json.error.message, /outside/);
    // An absolute-form request target (as a proxy would send it) goes through the same checks.
    const absolute = await rawRequest(fixture.server.url, `${fixture.server.url}/api/outputs/../../secret.txt`);
    assertRefused(absolute, fixture.secret, 'absolute-form target');
  } finally {
    await fixture.cleanup();
  }
});

/** Query strings for ComfyUI's /view: filename, subfolder and type attacks (already URL-encoded). */
const VIEW_ATTACKS: readonly string[] = [
  'filename=../../secret.txt',
  'filename=..%2F..%2Fsecret.txt',
  'filename=secret-root.txt&subfolder=..',
  'filename=secret.txt&subfolder=../..',
  'filename=secret.txt&subfolder=..%2F..',
  'filename=secret.txt&subfolder=%252e%252e%252f%252e%252e',
  'filename=%252e%252e%252fsecret-root.txt',
  'filename=secret.txt&subfolder=%2Fetc',
  'filename=%2Fetc%2Fpasswd',
  'filename=passwd&subfolder=%2Fetc',
  'filename=..%5C..%5Csecret.txt',
  'filename=secret.txt&subfolder=..%5C..',
  'filename=C%3A%5Csecret.txt',
  'filename=secret.txt%00.png',
  'filename=ok.png&subfolder=sub%00',
  'filename=escape.png',
  'filename=escape.png&type=input',
  'filename=escape.png&type=temp',
  'filename=secret.txt&subfolder=linkdir',
  'filename=secret.txt&subfolder=linkdir&type=input',
  'filename=.hidden.txt',
  'filename=%EF%BC%8E%EF%BC%8E%2Fsecret-root.txt',
  'filename=secret.txt&subfolder=%EF%BC%8E%EF%BC%8E%2F%EF%BC%8E%EF%BC%8E',
  'filename=%C0%AE%C0%AE%2Fsecret-root.txt',
  'filename=secret-root.txt&type=..',
  'filename=secret-root.txt&type=root',
  'filename=..%2Fsecret-root.txt%20%5Binput%5D',
  'filename=secret.txt&subfolder=sub%2F..%2F..%2F..',
  'filename=',
  'filename=ok.png&filename=..%2F..%2Fsecret.txt',
];

test(`ComfyUI /view refuses ${VIEW_ATTACKS.length} filename/subfolder/type attacks with a 4xx and never leaks the secret`, async () => {
  const fixture = await setUp();
  try {
    assert.equal((await rawRequest(fixture.server.url, '/view?filename=ok.png&subfolder=sub&type=output')).status, 200);
    for (const path of ['/view', '/api/view']) {
      for (const attack of VIEW_ATTACKS) {
        const response = await rawRequest(fixture.server.url, `${path}?${attack}`);
        assertRefused(response, fixture.secret, `${path}?${attack}`);
        assert.equal(typeof response.json?.error?.type, 'string', `${path}?${attack}: answered in ComfyUI's error shape`);
      }
    }
  } finally {
    await fixture.cleanup();
  }
});

test('uploads refuse subfolders and file names that leave the input folder, and write nothing outside it', async () => {
  const fixture = await setUp();
  try {
    const png = await pngBytes(8, 8);
    const before = await filesUnder(fixture.parent);
    const subfolders = ['..', '../..', '../../escaped', 'a/../../..', '/tmp/escaped', '..\\..', '%2e%2e', '%2e%2e%2f%2e%2e', 'linkdir', 'linkdir/deeper', '\uff0e\uff0e', 'C:\\escaped', 'ok\u0000/x', '.hidden'];
    const filenames = ['../../evil.png', '..\\..\\evil.png', '../evil.png', 'ok\u0000.png', '%2e%2e%2fevil.png', '\uff0e\uff0e/evil.png', 'C:\\fakepath\\..\\evil.png'];
    const attempts: { label: string; send: () => Promise<RawResponse> }[] = [];
    for (const subfolder of subfolders) {
      attempts.push({ label: `native subfolder ${JSON.stringify(subfolder)}`, send: () => postMultipart(fixture.server.url, '/api/uploads', [{ name: 'subfolder', value: subfolder }, { name: 'file', filename: 'a.png', data: png }]) });
      attempts.push({ label: `comfy subfolder ${JSON.stringify(subfolder)}`, send: () => postMultipart(fixture.server.url, '/upload/image', [{ name: 'subfolder', value: subfolder }, { name: 'image', filename: 'a.png', data: png }]) });
      attempts.push({
        label: `json subfolder ${JSON.stringify(subfolder)}`,
        send: () => rawRequest(fixture.server.url, '/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'a.png', subfolder, data: png.toString('base64') }) }),
      });
    }
    for (const filename of filenames) {
      attempts.push({ label: `native filename ${JSON.stringify(filename)}`, send: () => postMultipart(fixture.server.url, '/api/uploads', [{ name: 'file', filename, data: png }]) });
      attempts.push({ label: `comfy filename ${JSON.stringify(filename)}`, send: () => postMultipart(fixture.server.url, '/upload/image', [{ name: 'image', filename, data: png }]) });
      attempts.push({
        label: `json filename ${JSON.stringify(filename)}`,
        send: () => rawRequest(fixture.server.url, '/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename, data: png.toString('base64') }) }),
      });
    }
    attempts.push({ label: 'comfy type outside the folders', send: () => postMultipart(fixture.server.url, '/upload/image', [{ name: 'type', value: '../..' }, { name: 'image', filename: 'a.png', data: png }]) });
    for (const attempt of attempts) assertRefused(await attempt.send(), fixture.secret, attempt.label);
    // Nothing new anywhere outside the data folder, nothing in the symlinked outside folder.
    const after = await filesUnder(fixture.parent);
    const newOutsideData = after.filter((path) => !before.includes(path) && !path.startsWith('data/'));
    assert.deepEqual(newOutsideData, []);
    assert.deepEqual(await filesUnder(join(fixture.parent, 'outside')), ['secret.txt']);
    // And nothing was stored in the input folder either, nor left in the staging folder.
    const inputFiles = await filesUnder(fixture.server.server.ctx.engine.folders.input);
    assert.deepEqual(inputFiles.filter((name) => name !== 'escape.png' && !name.startsWith('linkdir')), []);
    assert.deepEqual(await filesUnder(join(fixture.server.server.ctx.engine.folders.temp, '.uploads')), []);
  } finally {
    await fixture.cleanup();
  }
});
