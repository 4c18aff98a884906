/**
 * Serving the editor's build (engine/server/editor): over real HTTP on a small express app
 * with a build folder made here, the page comes with no-cache, an ETag (304 on a match), a
 * Content-Security-Policy and the data types inlined safely; hashed assets are immutable, with
 * the right content type and the pre-compressed encoding the client accepts; anything else —
 * unknown files, escapes from the folder, other methods, or no build at all — falls through.
 * The dashboard page (`/dashboard`, `/editor/dashboard`) is served the same way with the
 * settings' JSON Schema inlined, and falls through for a build without it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { editorHandler } from '../../engine/server/editor/routes.js';
import { pickEncoding, readEditorBuild } from '../../engine/server/editor/assets.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-editor-build-'));
const script = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
let server: Server;
let base: string;

before(async () => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title><script type="module" src="/assets/editor-abc.js"></script><script id="switchyard-data-types" type="application/json">[]</script>');
  writeFileSync(join(dir, 'assets', 'editor-abc.js'), script);
  writeFileSync(join(dir, 'assets', 'editor-abc.js.gz'), gzipSync(script));
  writeFileSync(join(dir, 'assets', 'editor-abc.js.br'), brotliCompressSync(script));
  writeFileSync(join(dir, 'assets', 'editor-abc.css'), 'body{margin:0}');
  writeFileSync(join(dir, 'assets', 'favicon-1.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'dashboard.html'), '<!doctype html><title>d</title><script type="module" src="/assets/dashboard-abc.js"></script><script id="switchyard-settings-schema" type="application/json">{}</script>');
  writeFileSync(join(dir, 'assets', 'dashboard-abc.js'), 'console.log("dashboard");');
  writeFileSync(join(dir, 'assets', 'notes.exe'), 'not served: unknown kind');
  writeFileSync(join(dir, '.build-stamp'), 'first');
  const app = express();
  app.use(editorHandler({
    dir,
    dataTypes: () => [{ name: 'IMAGE', color: '#64b5f6' }, { name: 'EVIL', description: '</script><script>alert(1)</script>' }],
    settingsSchema: () => ({ type: 'object', properties: { logLevel: { type: 'string', enum: ['info', 'debug'], description: '</script><!-- not HTML' } } }),
  }));
  app.use((req, res) => res.status(404).json({ fellThrough: `${req.method} ${req.path}` }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** A request through node:http, which (unlike fetch) neither decompresses nor normalises the path. */
function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = httpRequest({ host: hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the page: HTML, revalidated by ETag, with a CSP and the data types inlined without breaking out', async () => {
  for (const path of ['/', '/index.html', '/editor', '/editor/']) {
    const page = await raw('GET', path);
    assert.equal(page.status, 200, path);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'/);
    const html = page.body.toString('utf8');
    assert.match(html, /"name":"IMAGE","color":"#64b5f6"/);
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'the description cannot close the JSON script element');
    assert.match(html, /\\u003c\/script\\u003e/);
  }
  const first = await raw('GET', '/');
  const again = await raw('GET', '/', { 'if-none-match': String(first.headers.etag) });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal((await raw('GET', '/', { 'if-none-match': '"stale"' })).status, 200);
});

test('the dashboard page: at /dashboard and /editor/dashboard, revalidated by ETag, with a CSP and the settings schema inlined safely', async () => {
  for (const path of ['/dashboard', '/dashboard/', '/editor/dashboard']) {
    const page = await raw('GET', path);
    assert.equal(page.status, 200, path);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'/);
    const html = page.body.toString('utf8');
    assert.match(html, /dashboard-abc\.js/);
    assert.doesNotMatch(html, /switchyard-data-types/, 'the editor page is not what /dashboard answers');
    const inlined = /<script id="switchyard-settings-schema" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(inlined, path);
    assert.deepEqual(JSON.parse(inlined[1]!).properties.logLevel.enum, ['info', 'debug']);
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'the description cannot close the JSON script element');
    assert.doesNotMatch(html, /<!--/);
  }
  const first = await raw('GET', '/dashboard');
  assert.notEqual(first.headers.etag, (await raw('GET', '/')).headers.etag);
  assert.equal((await raw('GET', '/dashboard', { 'if-none-match': String(first.headers.etag) })).status, 304);
  const head = await raw('HEAD', '/editor/dashboard');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal((await raw('GET', '/assets/dashboard-abc.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  for (const path of ['/dashboard/x', '/dashboards', '/Dashboard']) assert.equal((await raw('GET', path)).status, 404, path);
  assert.equal((await raw('POST', '/dashboard')).status, 404);
});

test('assets: immutable, typed, and sent in the best encoding the client accepts', async () => {
  const plain = await raw('GET', '/assets/editor-abc.js');
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(plain.headers.vary, 'Accept-Encoding');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString('utf8'), script);
  const br = await raw('GET', '/assets/editor-abc.js', { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(brotliDecompressSync(br.body).toString('utf8'), script);
  const gzip = await raw('GET', '/assets/editor-abc.js', { 'accept-encoding': 'br;q=0, gzip' });
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gzip.body).toString('utf8'), script);
  assert.equal(Number(gzip.headers['content-length']), gzip.body.length);
  // A file without compressed copies goes out as is.
  const css = await raw('GET', '/assets/editor-abc.css', { 'accept-encoding': 'br, gzip' });
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(css.headers['content-encoding'], undefined);
  assert.equal((await raw('GET', '/assets/favicon-1.svg')).headers['content-type'], 'image/svg+xml');
  const head = await raw('HEAD', '/assets/editor-abc.js');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(Number(head.headers['content-length']), script.length);
  assert.equal((await raw('GET', '/assets/editor-abc.js', { 'if-none-match': String(plain.headers.etag) })).status, 304);
});

test('anything else falls through: unknown files, other kinds, escapes, compressed copies by name, other methods', async () => {
  for (const path of ['/assets/missing.js', '/assets/notes.exe', '/assets/editor-abc.js.br', '/assets/../index.html', '/assets/..%2findex.html', '/assets/', '/api/nodes', '/favicon.ico']) {
    const answer = await raw('GET', path);
    assert.equal(answer.status, 404, path);
    assert.match(answer.body.toString('utf8'), /fellThrough/, path);
  }
  assert.equal((await raw('POST', '/')).status, 404);
  assert.equal((await raw('DELETE', '/assets/editor-abc.js')).status, 404);
});

test('a new build is picked up at the next page load', async () => {
  const before = (await raw('GET', '/')).body.toString('utf8');
  writeFileSync(join(dir, 'assets', 'editor-def.js'), 'console.log(2);');
  writeFileSync(join(dir, 'index.html'), before.replace('editor-abc.js', 'editor-def.js').replace(/<script id="switchyard-data-types"[^]*$/, '<script id="switchyard-data-types" type="application/json">[]</script>'));
  const later = new Date(Date.now() + 5000);
  utimesSync(join(dir, '.build-stamp'), later, later);
  const page = (await raw('GET', '/')).body.toString('utf8');
  assert.match(page, /editor-def\.js/);
  assert.match(page, /"name":"IMAGE"/, 'the data types are inlined into the new page too');
  assert.equal((await raw('GET', '/assets/editor-def.js')).status, 200);
});

test('a build without the dashboard serves the editor, and /dashboard falls through', async () => {
  const old = mkdtempSync(join(tmpdir(), 'switchyard-editor-old-'));
  try {
    mkdirSync(join(old, 'assets'));
    writeFileSync(join(old, 'index.html'), '<!doctype html><title>editor only</title>');
    const build = readEditorBuild(old);
    assert.equal(build?.dashboardHtml, undefined);
    const app = express();
    app.use(editorHandler({ dir: old }));
    app.use((_req, res) => res.status(418).end());
    const bare = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => bare.once('listening', resolve));
    const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
    assert.equal((await fetch(`${url}/`)).status, 200);
    assert.equal((await fetch(`${url}/dashboard`)).status, 418);
    await new Promise((resolve) => bare.close(resolve));
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
});

test('without a build nothing is served, so the landing page keeps /', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'switchyard-editor-none-'));
  try {
    assert.equal(readEditorBuild(empty), undefined);
    const app = express();
    app.use(editorHandler({ dir: empty }));
    app.use((_req, res) => res.status(418).end());
    const bare = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => bare.once('listening', resolve));
    const answer = await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`);
    assert.equal(answer.status, 418);
    await new Promise((resolve) => bare.close(resolve));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('encoding negotiation follows q-values and wildcards', () => {
  const asset = { contentType: 'text/javascript', etag: '"e"', identity: Buffer.from('x'), gzip: Buffer.from('g'), br: Buffer.from('b') };
  assert.equal(pickEncoding(undefined, asset), undefined);
  assert.equal(pickEncoding('identity', asset), undefined);
  assert.equal(pickEncoding('gzip;q=1.0, br;q=0.5', asset), 'br', 'any accepted brotli wins: it is smaller');
  assert.equal(pickEncoding('BR;Q=0, *', asset), 'gzip');
  assert.equal(pickEncoding('*;q=0', asset), undefined);
  assert.equal(pickEncoding('br', { ...asset, br: undefined }), undefined);
});
