/**
 * Uploads: `POST /api/uploads` (multipart, base64 JSON, data URIs) and ComfyUI's
 * `POST /upload/image`. The type is judged by the bytes; corrupt images, bad base64, declared
 * types that contradict the content and oversized bodies get precise 4xx answers; names are
 * cleaned and never collide unless overwrite is asked; the staging folder is empty after every
 * failure; an uploaded image is then a valid LoadImage value and listed in its options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { filesUnder, jpegBytes, mp4Bytes, pngBytes, postJson, postMultipart, rawRequest, wavBytes, webmBytes } from './files-fixtures.js';

function stagingFiles(server: TestServer): Promise<string[]> {
  return filesUnder(join(server.server.ctx.engine.folders.temp, '.uploads'));
}

function inputFiles(server: TestServer): Promise<string[]> {
  return filesUnder(server.server.ctx.engine.folders.input);
}

test('a multipart PNG upload is stored in the input folder, answers 201 with its size, and loads through LoadImage', async () => {
  const server = await startTestServer();
  try {
    const png = await pngBytes(20, 10);
    const before = await server.request('/api/nodes/LoadImage');
    assert.equal(before.status, 200);
    const response = await postMultipart(server.url, '/api/uploads', [
      { name: 'subfolder', value: 'refs/faces' },
      { name: 'file', filename: 'portrait.png', data: png, contentType: 'image/png' },
    ]);
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(response.json, { name: 'portrait.png', subfolder: 'refs/faces', type: 'input', path: 'refs/faces/portrait.png', size: png.length, mime: 'image/png', kind: 'image', width: 20, height: 10 });
    assert.deepEqual(await readFile(join(server.server.ctx.engine.folders.input, 'refs', 'faces', 'portrait.png')), png);
    // The editor shows it back.
    const shown = await rawRequest(server.url, '/api/inputs/refs/faces/portrait.png');
    assert.deepEqual(shown.body, png);
    // LoadImage takes it: its options list it at once, and a workflow naming it is valid.
    const after = await server.request('/api/nodes/LoadImage');
    assert.ok(JSON.stringify(after.body).includes('refs/faces/portrait.png'), 'LoadImage options list the upload');
    const check = await server.server.ctx.engine.check({
      '1': { class_type: 'LoadImage', inputs: { image: response.json.path } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    });
    assert.equal(check.valid, true, JSON.stringify(check.nodeErrors));
    const missing = await server.server.ctx.engine.check({
      '1': { class_type: 'LoadImage', inputs: { image: 'refs/faces/other.png' } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    });
    assert.equal(missing.valid, false);
    assert.deepEqual(await stagingFiles(server), []);
  } finally {
    await server.dispose();
  }
});

test('JSON uploads take base64 and data URIs, even past the global JSON limit, and judge the type by the bytes', async () => {
  const server = await startTestServer({ jsonLimitBytes: 2048, uploadLimitBytes: 512 * 1024 });
  try {
    const png = await pngBytes(64, 64);
    assert.ok(png.length * 4 / 3 > 2048);
    const plain = await postJson(server.url, '/api/uploads', { filename: 'plain.png', data: png.toString('base64') });
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.json.name, 'plain.png');
    assert.equal(plain.json.size, png.length);
    const wrapped = png.toString('base64').replace(/.{76}/g, '$&\r\n');
    const lines = await postJson(server.url, '/api/uploads', { filename: 'wrapped.png', data: wrapped });
    assert.equal(lines.status, 201, lines.text);
    const jpeg = await jpegBytes();
    const uri = await postJson(server.url, '/api/uploads', { data: `data:image/jpeg;base64,${jpeg.toString('base64')}`, subfolder: 'inline' });
    assert.equal(uri.status, 201, uri.text);
    assert.equal(uri.json.name, 'upload.jpg');
    assert.equal(uri.json.subfolder, 'inline');
    assert.equal(uri.json.mime, 'image/jpeg');
    // A JPEG called .png is stored as what it is.
    const renamed = await postJson(server.url, '/api/uploads', { filename: 'photo.png', data: jpeg.toString('base64') });
    assert.equal(renamed.json.name, 'photo.jpg');
    // Audio and video for later nodes (sniffed, not decoded).
    const wav = await postJson(server.url, '/api/uploads', { filename: 'voice', data: `data:audio/wav;base64,${wavBytes().toString('base64')}` });
    assert.equal(wav.status, 201, wav.text);
    assert.deepEqual([wav.json.name, wav.json.kind, wav.json.mime, wav.json.width], ['voice.wav', 'audio', 'audio/wav', undefined]);
    const mp4 = await postMultipart(server.url, '/api/uploads', [{ name: 'file', filename: 'clip.mov', data: mp4Bytes(1000) }]);
    assert.deepEqual([mp4.status, mp4.json.name, mp4.json.kind], [201, 'clip.mp4', 'video']);
    const webm = await postMultipart(server.url, '/api/uploads', [{ name: 'file', filename: 'clip.webm', data: webmBytes() }]);
    assert.deepEqual([webm.status, webm.json.mime], [201, 'video/webm']);
    // The global parser still applies its own limit elsewhere.
    const elsewhere = await postJson(server.url, '/api/nodes', { data: 'x'.repeat(4096) });
    assert.equal(elsewhere.status, 413);
  } finally {
    await server.dispose();
  }
});

test('bad inline data is refused precisely: bad base64 characters and padding, a data URI that lies about its type, non-media content', async () => {
  const server = await startTestServer();
  try {
    const png = await pngBytes(8, 8);
    const b64 = png.toString('base64');
    const badChar = await postJson(server.url, '/api/uploads', { data: `${b64.slice(0, 10)}!${b64.slice(11)}` });
    assert.equal(badChar.status, 400);
    assert.equal(badChar.json.error.code, 'invalid_input');
    assert.match(badChar.json.error.message, /invalid character "!" at position 10/);
    assert.equal(badChar.json.error.details.position, 10);
    const inUri = await postJson(server.url, '/api/uploads', { data: `data:image/png;base64,${b64.slice(0, 4)}*${b64.slice(5)}` });
    assert.match(inUri.json.error.message, /invalid character "\*" at position 26/);
    const urlSafe = await postJson(server.url, '/api/uploads', { data: `${b64.slice(0, 8)}-${b64.slice(9)}` });
    assert.match(urlSafe.json.error.message, /base64url/);
    const unpadded = await postJson(server.url, '/api/uploads', { data: b64.replace(/=+$/, '') + (b64.endsWith('=') ? '' : 'A') });
    assert.equal(unpadded.status, 400);
    assert.match(unpadded.json.error.message, /not a multiple of 4/);
    const afterPadding = await postJson(server.url, '/api/uploads', { data: 'QUJD=QUJD' });
    assert.match(afterPadding.json.error.message, /continues after "=" padding at position 5/);
    const notBase64Uri = await postJson(server.url, '/api/uploads', { data: 'data:image/png,rawbytes' });
    assert.match(notBase64Uri.json.error.message, /base64/);
    const lying = await postJson(server.url, '/api/uploads', { data: `data:image/jpeg;base64,${b64}` });
    assert.equal(lying.status, 400);
    assert.match(lying.json.error.message, /declares "image\/jpeg" but the content is image\/png/);
    const alias = await postJson(server.url, '/api/uploads', { data: `data:image/jpg;base64,${(await jpegBytes()).toString('base64')}` });
    assert.equal(alias.status, 201, alias.text);
    const text = await postJson(server.url, '/api/uploads', { filename: 'notes.png', data: Buffer.from('just some text, not an image').toString('base64') });
    assert.equal(text.status, 415);
    assert.equal(text.json.error.code, 'unsupported_media_type');
    const html = await postMultipart(server.url, '/api/uploads', [{ name: 'file', filename: 'x.png', data: Buffer.from('<html><script>alert(1)</script></html>'), contentType: 'image/png' }]);
    assert.equal(html.status, 415);
    const missingData = await postJson(server.url, '/api/uploads', { filename: 'x.png' });
    assert.equal(missingData.status, 400);
    assert.match(missingData.json.error.message, /data/);
    const unknownField = await postJson(server.url, '/api/uploads', { data: b64, subFolder: 'typo' });
    assert.equal(unknownField.status, 400);
    const badJson = await rawRequest(server.url, '/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data": ' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.json.error.code, 'invalid_json');
    const wrongType = await rawRequest(server.url, '/api/uploads', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(wrongType.status, 415);
    assert.deepEqual(await stagingFiles(server), []);
    assert.deepEqual((await inputFiles(server)).filter((name) => name !== 'upload.jpg'), []);
  } finally {
    await server.dispose();
  }
});

test('a corrupt image is refused with invalid_image, and nothing is kept', async () => {
  const server = await startTestServer();
  try {
    const png = await pngBytes(64, 64);
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    const multipartTruncated = await postMultipart(server.url, '/api/uploads', [{ name: 'file', filename: 'broken.png', data: truncated }]);
    assert.equal(multipartTruncated.status, 400);
    assert.equal(multipartTruncated.json.error.code, 'invalid_image');
    assert.match(multipartTruncated.json.error.message, /cannot be decoded/);
    const garbage = Buffer.concat([png.subarray(0, 40), Buffer.alloc(300, 7)]);
    const jsonGarbage = await postJson(server.url, '/api/uploads', { data: garbage.toString('base64') });
    assert.equal(jsonGarbage.json.error.code, 'invalid_image');
    const comfy = await postMultipart(server.url, '/upload/image', [{ name: 'image', filename: 'broken.png', data: truncated }]);
    assert.equal(comfy.status, 400);
    assert.equal(comfy.json.error.type, 'invalid_image');
    assert.deepEqual(await stagingFiles(server), []);
    assert.deepEqual(await inputFiles(server), []);
  } finally {
    await server.dispose();
  }
});

test('uploads past uploadLimitBytes get 413 (multipart, JSON, declared length) and leave no partial file behind', async () => {
  const limit = 64 * 1024;
  const server = await startTestServer({ uploadLimitBytes: limit });
  try {
    const big = await pngBytes(160, 160);
    assert.ok(big.length > limit && big.length < limit * 3);
    const fits = await pngBytes(64, 64);
    assert.ok(fits.length < limit);
    const multipartBig = await postMultipart(server.url, '/api/uploads', [{ name: 'file', filename: 'big.png', data: big }]);
    assert.equal(multipartBig.status, 413);
    assert.equal(multipartBig.json.error.code, 'payload_too_large');
    assert.match(multipartBig.json.error.message, new RegExp(`limit of ${limit} bytes`));
    const comfyBig = await postMultipart(server.url, '/upload/image', [{ name: 'image', filename: 'big.png', data: big }]);
    assert.equal(comfyBig.status, 413);
    const jsonBig = await postJson(server.url, '/api/uploads', { data: big.toString('base64') });
    assert.equal(jsonBig.status, 413);
    assert.equal(jsonBig.json.error.code, 'payload_too_large');
    // Just over the limit: within the JSON body allowance, refused by its decoded size.
    const justOver = Buffer.concat([fits, Buffer.alloc(limit - fits.length + 1)]);
    const decodedBig = await postJson(server.url, '/api/uploads', { data: justOver.toString('base64') });
    assert.equal(decodedBig.status, 413);
    assert.equal(decodedBig.json.error.details.size, limit + 1);
    // A declared Content-Length far past the limit is refused before the body is read.
    const declared = await rawRequest(server.url, '/api/uploads', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(limit + 4 * 1024 * 1024) }, body: Buffer.alloc(16) });
    assert.equal(declared.status, 413);
    assert.deepEqual(await stagingFiles(server), []);
    assert.deepEqual(await inputFiles(server), []);
    // The server is fine afterwards, and a file within the limit goes through.
    const ok = await postMultipart(server.url, '/api/uploads', [{ name: 'file', filename: 'fits.png', data: fits }]);
    assert.equal(ok.status, 201, ok.text);
  } finally {
    await server.dispose();
  }
});

test('names are cleaned, never collide unless overwrite is asked, and keep the sniffed extension', async () => {
  const server = await startTestServer();
  try {
    const { input } = server.server.ctx.engine.folders;
    const first = await pngBytes(8, 8, 1);
    const second = await pngBytes(8, 8, 2);
    const upload = (filename: string, data: Buffer, fields: { name: string; value: string }[] = []) =>
      postMultipart(server.url, '/api/uploads', [...fields, { name: 'file', filename, data }]);
    assert.equal((await upload('cat.png', first)).json.name, 'cat.png');
    assert.equal((await upload('cat.png', second)).json.name, 'cat (1).png');
    assert.equal((await upload('cat.png', second)).json.name, 'cat (2).png');
    assert.deepEqual(await readFile(join(input, 'cat.png')), first);
    const replaced = await upload('cat.png', second, [{ name: 'overwrite', value: 'true' }]);
    assert.equal(replaced.json.name, 'cat.png');
    assert.deepEqual(await readFile(join(input, 'cat.png')), second);
    // Concurrent uploads of one name all get their own file.
    const together = await Promise.all([1, 2, 3, 4].map((seed) => upload('same.png', first)));
    assert.deepEqual(together.map((r) => r.json.name).sort(), ['same (1).png', 'same (2).png', 'same (3).png', 'same.png']);
    // Cleaning.
    const cases: [string, string][] = [
      ['C:\\fakepath\\holiday.PNG', 'holiday.png'],
      ['photos/trip/beach.png', 'beach.png'],
      ['my:photo?<1>*|".png', 'my_photo__1____.png'],
      ['CON.png', '_CON.png'],
      ['.bashrc', 'bashrc.png'],
      ['.. hidden.png', 'hidden.png'],
      ['-.png', '-.png'],
      ['evil\u202egnp.exe', 'evilgnp.png'],
      ['100%.png', '100_.png'],
      [`${'long'.repeat(100)}.png`, `${'long'.repeat(30)}.png`],
      ['résumé.png', 'résumé.png'],
    ];
    for (const [given, stored] of cases) {
      const response = await upload(given, first);
      assert.equal(response.status, 201, `${given}: ${response.text}`);
      assert.equal(response.json.name, stored, given);
    }
    // Names that climb are refused rather than quietly cut (Windows reads "..." and ".. ." as "..").
    for (const climbing of ['...', '.. .', 'a/../b.png']) assert.equal((await upload(climbing, first)).status, 400, climbing);
    // Bad flags are refused, not guessed.
    assert.equal((await upload('x.png', first, [{ name: 'overwrite', value: 'perhaps' }])).status, 400);
    // A subfolder that is a file is a conflict.
    assert.equal((await upload('x.png', first, [{ name: 'subfolder', value: 'cat.png' }])).status, 409);
    assert.deepEqual(await stagingFiles(server), []);
  } finally {
    await server.dispose();
  }
});

test('multipart requests without a file, with the wrong field or two files are refused', async () => {
  const server = await startTestServer();
  try {
    const png = await pngBytes(4, 4);
    const none = await postMultipart(server.url, '/api/uploads', [{ name: 'subfolder', value: 'x' }]);
    assert.equal(none.status, 400);
    assert.match(none.json.error.message, /no file in form field "file"/);
    const wrongField = await postMultipart(server.url, '/api/uploads', [{ name: 'image', filename: 'a.png', data: png }]);
    assert.equal(wrongField.status, 400);
    assert.match(wrongField.json.error.message, /came in field "image"/);
    const two = await postMultipart(server.url, '/api/uploads', [{ name: 'file', filename: 'a.png', data: png }, { name: 'file', filename: 'b.png', data: png }]);
    assert.equal(two.status, 400);
    const broken = await rawRequest(server.url, '/api/uploads', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=abc' }, body: '--abc\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG' });
    assert.ok(broken.status >= 400 && broken.status < 500, `${broken.status}`);
    const noBoundary = await rawRequest(server.url, '/api/uploads', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' });
    assert.equal(noBoundary.status, 415);
    assert.deepEqual(await stagingFiles(server), []);
    assert.deepEqual(await inputFiles(server), []);
  } finally {
    await server.dispose();
  }
});

test('ComfyUI /upload/image answers {name, subfolder, type}, honours type and overwrite, and the file is then served by /view', async () => {
  const server = await startTestServer();
  try {
    const png = await pngBytes(12, 12);
    const uploaded = await postMultipart(server.url, '/upload/image', [{ name: 'image', filename: 'ref.png', data: png }, { name: 'subfolder', value: 'clipspace' }]);
    assert.equal(uploaded.status, 200, uploaded.text);
    assert.deepEqual(uploaded.json, { name: 'ref.png', subfolder: 'clipspace', type: 'input' });
    const again = await postMultipart(server.url, '/api/upload/image', [{ name: 'image', filename: 'ref.png', data: png }, { name: 'subfolder', value: 'clipspace' }]);
    assert.deepEqual(again.json, { name: 'ref (1).png', subfolder: 'clipspace', type: 'input' });
    const replaced = await postMultipart(server.url, '/upload/image', [{ name: 'image', filename: 'ref.png', data: png }, { name: 'subfolder', value: 'clipspace' }, { name: 'overwrite', value: '1' }]);
    assert.equal(replaced.json.name, 'ref.png');
    const view = await rawRequest(server.url, '/view?filename=ref.png&subfolder=clipspace&type=input');
    assert.equal(view.status, 200);
    assert.deepEqual(view.body, png);
    const toTemp = await postMultipart(server.url, '/upload/image', [{ name: 'type', value: 'temp' }, { name: 'image', filename: 'scratch.png', data: png }]);
    assert.deepEqual(toTemp.json, { name: 'scratch.png', subfolder: '', type: 'temp' });
    assert.equal((await rawRequest(server.url, '/view?filename=scratch.png&type=temp')).status, 200);
    // Its editor uploads audio through this route too.
    const audio = await postMultipart(server.url, '/upload/image', [{ name: 'image', filename: 'voice.wav', data: wavBytes() }]);
    assert.equal(audio.status, 200);
    assert.equal(audio.json.name, 'voice.wav');
    const check = await server.server.ctx.engine.check({
      '1': { class_type: 'LoadImage', inputs: { image: 'clipspace/ref (1).png' } },
      '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } },
    });
    assert.equal(check.valid, true, JSON.stringify(check.nodeErrors));
  } finally {
    await server.dispose();
  }
});
