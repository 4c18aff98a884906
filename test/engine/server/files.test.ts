/**
 * Serving files: `/api/outputs/<path>`, `/api/inputs/<path>`, the output listing and ComfyUI's
 * `/view` — content types from the bytes (then the extension, inert types only), length,
 * ETag / Last-Modified and 304s, single byte ranges with 206 and 416, HEAD, downloads with a
 * safe file name, and a real workflow's output fetched back over HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { startTestServer } from '../../helpers/server.js';
import { jpegBytes, mp4Bytes, pngBytes, rawRequest, wavBytes, webmBytes } from './files-fixtures.js';

test('output files are served with the type their bytes say, length, validators and 304s; HEAD has no body', async () => {
  const server = await startTestServer();
  try {
    const { output } = server.server.ctx.engine.folders;
    const png = await pngBytes(16, 8);
    await mkdir(join(output, 'renders'));
    await writeFile(join(output, 'renders', 'pic.png'), png);
    const got = await rawRequest(server.url, '/api/outputs/renders/pic.png');
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'image/png');
    assert.equal(got.headers['content-length'], String(png.length));
    assert.equal(got.headers['accept-ranges'], 'bytes');
    assert.deepEqual(got.body, png);
    const etag = got.headers.etag!;
    assert.match(etag, /^"[^"]+"$/);
    assert.ok(got.headers['last-modified']);
    assert.equal((await rawRequest(server.url, '/api/outputs/renders/pic.png', { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await rawRequest(server.url, '/api/outputs/renders/pic.png', { headers: { 'if-modified-since': got.headers['last-modified']! } })).status, 304);
    const head = await rawRequest(server.url, '/api/outputs/renders/pic.png', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(png.length));
    assert.equal(head.body.length, 0);
    // Percent-encoded names are decoded once: "my pic.png".
    await writeFile(join(output, 'my pic é.png'), png);
    assert.equal((await rawRequest(server.url, '/api/outputs/my%20pic%20%C3%A9.png')).status, 200);
    // Missing files and folders are 404s in the JSON error shape.
    const missing = await rawRequest(server.url, '/api/outputs/renders/none.png');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'not_found');
    assert.equal((await rawRequest(server.url, '/api/outputs/renders')).status, 404);
  } finally {
    await server.dispose();
  }
});

test('content types come from magic bytes first, then inert extension types; nothing is served as HTML', async () => {
  const server = await startTestServer();
  try {
    const { output } = server.server.ctx.engine.folders;
    const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(30)]);
    const webp = await sharp(await pngBytes(4, 4)).webp().toBuffer();
    const files: [string, Buffer | string, string][] = [
      ['real.jpg', await jpegBytes(), 'image/jpeg'],
      ['actually-jpeg.png', await jpegBytes(), 'image/jpeg'],
      ['anim.gif', gif, 'image/gif'],
      ['img.webp', webp, 'image/webp'],
      ['clip.mp4', mp4Bytes(100), 'video/mp4'],
      ['clip.webm', webmBytes(), 'video/webm'],
      ['sound.wav', wavBytes(50), 'audio/wav'],
      ['tagged.mp3', Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.alloc(40)]), 'audio/mpeg'],
      ['sound.flac', Buffer.concat([Buffer.from('fLaC', 'latin1'), Buffer.alloc(40)]), 'audio/flac'],
      ['sound.ogg', Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(40)]), 'audio/ogg'],
      ['data.json', '{"a":1}', 'application/json; charset=utf-8'],
      ['notes.txt', 'hello', 'text/plain; charset=utf-8'],
      ['page.html', '<script>alert(1)</script>', 'application/octet-stream'],
      ['vector.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'application/octet-stream'],
      ['blob.bin', 'xyz', 'application/octet-stream'],
    ];
    for (const [name, bytes] of files) await writeFile(join(output, name), bytes);
    for (const [name, , type] of files) {
      const got = await rawRequest(server.url, `/api/outputs/${name}`);
      assert.equal(got.status, 200, name);
      assert.equal(got.headers['content-type'], type, name);
      assert.equal(got.headers['x-content-type-options'], 'nosniff', name);
      assert.match(String(got.headers['content-security-policy']), /sandbox/, name);
    }
    const empty = join(output, 'empty.txt');
    await writeFile(empty, '');
    const none = await rawRequest(server.url, '/api/outputs/empty.txt');
    assert.equal(none.status, 200);
    assert.equal(none.headers['content-length'], '0');
  } finally {
    await server.dispose();
  }
});

test('byte ranges: 206 with Content-Range for one range, 416 for unsatisfiable or malformed ones, the whole file for several or a stale If-Range', async () => {
  const server = await startTestServer();
  try {
    const video = mp4Bytes(4000);
    const size = video.length;
    await writeFile(join(server.server.ctx.engine.folders.output, 'clip.mp4'), video);
    const url = '/api/outputs/clip.mp4';
    const ranged = async (range: string, headers: Record<string, string> = {}) => rawRequest(server.url, url, { headers: { range, ...headers } });

    const first = await ranged('bytes=0-99');
    assert.equal(first.status, 206);
    assert.equal(first.headers['content-range'], `bytes 0-99/${size}`);
    assert.equal(first.headers['content-length'], '100');
    assert.equal(first.headers['content-type'], 'video/mp4');
    assert.deepEqual(first.body, video.subarray(0, 100));
    const middle = await ranged('bytes=1000-1999');
    assert.deepEqual(middle.body, video.subarray(1000, 2000));
    const open = await ranged('bytes=3000-');
    assert.equal(open.headers['content-range'], `bytes 3000-${size - 1}/${size}`);
    assert.deepEqual(open.body, video.subarray(3000));
    const suffix = await ranged('bytes=-50');
    assert.equal(suffix.headers['content-range'], `bytes ${size - 50}-${size - 1}/${size}`);
    assert.deepEqual(suffix.body, video.subarray(size - 50));
    const clamped = await ranged(`bytes=${size - 10}-${size + 1000}`);
    assert.equal(clamped.status, 206);
    assert.equal(clamped.body.length, 10);
    const headRange = await rawRequest(server.url, url, { method: 'HEAD', headers: { range: 'bytes=0-9' } });
    assert.equal(headRange.status, 206);
    assert.equal(headRange.headers['content-length'], '10');
    assert.equal(headRange.body.length, 0);

    for (const bad of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, 'bytes=50-10', 'bytes=abc', 'bytes=-0', 'bytes=-']) {
      const refused = await ranged(bad);
      assert.equal(refused.status, 416, bad);
      assert.equal(refused.json.error.code, 'range_not_satisfiable', bad);
      assert.equal(refused.headers['content-range'], `bytes */${size}`, bad);
    }
    const several = await ranged('bytes=0-1,5-6');
    assert.equal(several.status, 200);
    assert.equal(several.body.length, size);
    assert.equal((await ranged('items=0-5')).status, 200);

    const etag = first.headers.etag!;
    assert.equal((await ranged('bytes=0-9', { 'if-range': etag })).status, 206);
    assert.equal((await ranged('bytes=0-9', { 'if-range': '"stale"' })).status, 200);
    // A file that changed gets a new validator.
    await utimes(join(server.server.ctx.engine.folders.output, 'clip.mp4'), new Date(), new Date(Date.now() + 60_000));
    const changed = await rawRequest(server.url, url);
    assert.notEqual(changed.headers.etag, etag);
  } finally {
    await server.dispose();
  }
});

test('?download=1 answers an attachment with a safe file name; inputs are served from the input folder', async () => {
  const server = await startTestServer();
  try {
    const { output, input } = server.server.ctx.engine.folders;
    const png = await pngBytes(4, 4);
    await writeFile(join(output, 'résumé "x";.png'), png);
    const inline = await rawRequest(server.url, `/api/outputs/${encodeURIComponent('résumé "x";.png')}`);
    assert.match(String(inline.headers['content-disposition']), /^inline; /);
    const download = await rawRequest(server.url, `/api/outputs/${encodeURIComponent('résumé "x";.png')}?download=1`);
    assert.equal(download.status, 200);
    const disposition = String(download.headers['content-disposition']);
    assert.match(disposition, /^attachment; filename="r_sum_ _x__\.png"; filename\*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22%3B\.png$/);
    assert.equal((await rawRequest(server.url, '/api/outputs/none.png?download=maybe')).status, 400);

    await mkdir(join(input, 'refs'));
    await writeFile(join(input, 'refs', 'face.png'), png);
    const fromInput = await rawRequest(server.url, '/api/inputs/refs/face.png');
    assert.equal(fromInput.status, 200);
    assert.deepEqual(fromInput.body, png);
    assert.equal((await rawRequest(server.url, '/api/outputs/refs/face.png')).status, 404);
  } finally {
    await server.dispose();
  }
});

test('GET /api/outputs lists output files newest first, paginated, without hidden ones', async () => {
  const server = await startTestServer();
  try {
    const { output } = server.server.ctx.engine.folders;
    await mkdir(join(output, 'batch'));
    const base = Date.now() / 1000 - 1000;
    for (let index = 0; index < 5; index++) {
      const path = join(output, 'batch', `img_${index}.png`);
      await writeFile(path, await pngBytes(2, 2, index));
      await utimes(path, base + index, base + index);
    }
    await writeFile(join(output, '.partial'), 'x');
    const page = await rawRequest(server.url, '/api/outputs?limit=2');
    assert.equal(page.status, 200);
    assert.equal(page.json.total, 5);
    assert.equal(page.json.truncated, false);
    assert.deepEqual(page.json.files.map((f: { path: string }) => f.path), ['batch/img_4.png', 'batch/img_3.png']);
    assert.equal(page.json.files[0].subfolder, 'batch');
    assert.equal(page.json.files[0].name, 'img_4.png');
    assert.equal(page.json.files[0].url, '/api/outputs/batch/img_4.png');
    const next = await rawRequest(server.url, '/api/outputs?limit=2&offset=4');
    assert.deepEqual(next.json.files.map((f: { path: string }) => f.path), ['batch/img_0.png']);
    assert.equal((await rawRequest(server.url, page.json.files[0].url)).status, 200);
    assert.equal((await rawRequest(server.url, '/api/outputs?limit=0')).status, 400);
    assert.equal((await rawRequest(server.url, '/api/outputs?offset=-1')).status, 400);
  } finally {
    await server.dispose();
  }
});

test('ComfyUI /view serves output, input and temp files (subfolders, annotations, ranges) like /api/outputs', async () => {
  const server = await startTestServer();
  try {
    const { output, input, temp } = server.server.ctx.engine.folders;
    const png = await pngBytes(6, 6);
    await mkdir(join(output, 'sub'));
    await writeFile(join(output, 'sub', 'o.png'), png);
    await writeFile(join(input, 'i.png'), png);
    await writeFile(join(temp, 't.png'), png);
    await writeFile(join(output, 'clip.mp4'), mp4Bytes(500));
    for (const query of ['filename=o.png&subfolder=sub&type=output', 'filename=o.png&subfolder=sub', 'filename=i.png&type=input', 'filename=t.png&type=temp', 'filename=i.png%20%5Binput%5D', 'filename=o.png&subfolder=sub&preview=webp%3B90&channel=rgb']) {
      for (const path of ['/view', '/api/view']) {
        const got = await rawRequest(server.url, `${path}?${query}`);
        assert.equal(got.status, 200, `${path}?${query}`);
        assert.equal(got.headers['content-type'], 'image/png');
        assert.deepEqual(got.body, png);
      }
    }
    const ranged = await rawRequest(server.url, '/view?filename=clip.mp4', { headers: { range: 'bytes=10-19' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(ranged.body, mp4Bytes(500).subarray(10, 20));
    const missing = await rawRequest(server.url, '/view?filename=nope.png');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.type, 'not_found');
    const noName = await rawRequest(server.url, '/view?type=output');
    assert.equal(noName.status, 400);
  } finally {
    await server.dispose();
  }
});

test('a workflow output is fetched back over HTTP as the PNG the run wrote', async () => {
  const server = await startTestServer();
  try {
    const result = await server.server.ctx.engine.run({
      schemaVersion: 1,
      nodes: {
        '1': { type: 'image.empty', inputs: { width: 40, height: 30, batch_size: 1, color: 0x3366ff } },
        '2': { type: 'image.save', inputs: { images: ['1', 0], filename_prefix: 'served/test' } },
      },
    });
    assert.equal(result.kind, 'ran', JSON.stringify(result.check.errors.length > 0 ? result.check.errors : result.check.nodeErrors));
    const ref = JSON.stringify(result.kind === 'ran' ? result.result : {});
    const match = /"filename":"([^"]+)","subfolder":"([^"]*)"/.exec(ref);
    assert.ok(match, `an output file in ${ref.slice(0, 300)}`);
    const [, filename, subfolder] = match;
    const got = await rawRequest(server.url, `/api/outputs/${subfolder}/${encodeURIComponent(filename!)}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'image/png');
    const meta = await sharp(got.body).metadata();
    assert.equal(meta.width, 40);
    assert.equal(meta.height, 30);
    const viaView = await rawRequest(server.url, `/view?filename=${encodeURIComponent(filename!)}&subfolder=${encodeURIComponent(subfolder!)}&type=output`);
    assert.deepEqual(viaView.body, got.body);
  } finally {
    await server.dispose();
  }
});
