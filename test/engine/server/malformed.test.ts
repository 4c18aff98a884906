/**
 * Nothing a client sends can crash the server or earn a 5xx: a batch of malformed requests
 * against every route group — bad JSON, deep nesting, oversized bodies, wrong content types,
 * prototype keys, invalid UTF-8 and percent-encoding, absurd numbers, wrong shapes — each gets a
 * 4xx in the JSON error shape, and protocol garbage on a raw socket gets a JSON 4xx or a clean
 * close. The batch runs while a run executes and two wait in the queue: afterwards those three
 * have succeeded, the server still answers, a new run succeeds, and no malformed request
 * became a run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { rawRequest, utf8Bytes, type RawResponse } from './files-fixtures.js';
import { exampleWorkflow, finishedRuns, runWorkflow } from './ops-harness.js';
import { TEST_PACKS_DIR, waitWorkflow } from './helpers-runs.js';
import { ERROR_CODES } from '../../../engine/errors.js';

const LIMIT_BYTES = 256 * 1024;
let server: TestServer;
let finished: ReturnType<typeof finishedRuns>;
/** Runs submitted before the batch: one executing during it, two queued behind it. */
const pendingRuns: string[] = [];
let runsBefore = 0;

before(async () => {
  server = await startTestServer({ jsonLimitBytes: LIMIT_BYTES, uploadLimitBytes: LIMIT_BYTES, packsDirs: [TEST_PACKS_DIR], queueConcurrency: 1 });
  finished = finishedRuns(server);
  for (const [ms, label] of [[1500, 'busy'], [0, 'queued-1'], [0, 'queued-2']] as const) {
    const answer = await server.request('/api/runs', { body: { workflow: waitWorkflow(ms, label, 10) } });
    assert.equal(answer.status, 202, answer.text);
    pendingRuns.push(answer.body.id);
  }
  runsBefore = (await server.request('/api/runs?limit=1')).body.total;
});
after(async () => {
  finished.stop();
  await server.dispose();
});

const JSON_TYPE = { 'content-type': 'application/json' };
/** ComfyUI's routes answer in ComfyUI's shape, `{error: {type, message, details}, node_errors}`, as its clients expect. */
const COMFY_PREFIXES = ['/prompt', '/queue', '/history', '/free', '/interrupt', '/upload/image', '/view', '/object_info'];
const nested = (levels: number, open: string, close: string, inner = '') => `${open.repeat(levels)}${inner}${close.repeat(levels)}`;

interface Case {
  what: string;
  method: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** A 2xx is right too: the route ignores what it does not know (as ComfyUI does). */
  lenient?: boolean;
}

/** Bodies no route takes: refused everywhere. */
const NEVER_VALID: [string, string | Buffer][] = [
  ['invalid JSON', '{"workflow": '],
  ['trailing garbage', '{"workflow": {}} xyz'],
  ['single quotes', "{'workflow': {}}"],
  ['a bare string', '"hello"'],
  ['an array where an object belongs', '[{"workflow": {}}]'],
  ['an absurd number (Infinity)', '1e999999'],
  ['100,000 levels of arrays', nested(100_000, '[', ']')],
];

/** Objects with the wrong content: refused by strict routes, ignored by ComfyUI's lenient ones. */
const WRONG_CONTENT: [string, string | Buffer][] = [
  ['null', 'null'],
  ['__proto__ and constructor keys', '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "workflow": {"__proto__": {"type": "x"}}, "prompt": {"constructor": {"prototype": {"x": 1}}}}'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d])],
  ['absurd numbers', '{"workflow": {"schemaVersion": 1e308, "nodes": {"1": {"type": "core.int", "inputs": {"value": 1e308}}}}, "priority": -1e308, "historyCap": 1e308, "seed": 123456789012345678901234567890, "number": -0, "prompt": {"1": {"class_type": "core.int", "inputs": {"value": ["1", 1e308]}}}}'],
  ['wrong shapes', '{"workflow": [1], "params": "x", "client_id": 5, "priority": "high", "front": "yes", "outputs": {}, "prompt": 7, "data": 5, "delete": "all", "clear": "yes", "logLevel": [], "id": {"a": 1}, "prompt_id": {"a": 1}}'],
  ['40,000 levels of objects', nested(40_000, '{"a":', '}', '1')],
  ['UTF-16 JSON', Buffer.from('{"a": 1}', 'utf16le')],
];

const JSON_ROUTES: [string, string][] = [
  ['POST', '/api/runs'],
  ['POST', '/api/workflows/malformed-missing/run'],
  ['PUT', '/api/workflows/malformed-saved'],
  ['PUT', '/api/settings'],
  ['PATCH', '/api/settings'],
  ['POST', '/api/runs/abc/requeue'],
  ['POST', '/api/uploads'],
  ['POST', '/prompt'],
  ['POST', '/api/prompt'],
  ['POST', '/upload/image'],
  ['POST', '/api/generate/flux'],
  ['POST', '/api/video/svd'],
  ['POST', '/api/dashboard/settings'],
  ['POST', '/queue'],
  ['POST', '/history'],
  ['POST', '/free'],
];
/** ComfyUI routes that ignore keys they do not know, and saving a workflow (work in progress is kept, its problems come back as warnings). */
const LENIENT_ROUTES = new Set(['/queue', '/history', '/free', '/api/workflows/malformed-saved']);
/** Interrupt routes take only the bodies that can never be valid: any object without an id there means "interrupt everything". */
const INTERRUPT_ROUTES = ['/interrupt', '/api/interrupt'];

function bodyCases(): Case[] {
  const cases: Case[] = [];
  for (const [method, path] of JSON_ROUTES) {
    for (const [what, body] of NEVER_VALID) cases.push({ what: `${what} → ${method} ${path}`, method, path, headers: JSON_TYPE, body });
    for (const [what, body] of WRONG_CONTENT) {
      const headers = what === 'UTF-16 JSON' ? { 'content-type': 'application/json; charset=utf-16le' } : JSON_TYPE;
      cases.push({ what: `${what} → ${method} ${path}`, method, path, headers, body, lenient: LENIENT_ROUTES.has(path) });
    }
  }
  for (const path of INTERRUPT_ROUTES) {
    for (const [what, body] of NEVER_VALID) cases.push({ what: `${what} → POST ${path}`, method: 'POST', path, headers: JSON_TYPE, body });
  }
  return cases;
}

function multipartBody(parts: string[], boundary = 'zzz'): string {
  return `${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('')}--${boundary}--\r\n`;
}

function otherCases(): Case[] {
  const overLimit = Buffer.alloc(2 * LIMIT_BYTES, 0x41);
  const multipart = { 'content-type': 'multipart/form-data; boundary=zzz' };
  return [
    // Sizes and encodings of bodies.
    { what: 'a JSON body over the limit', method: 'POST', path: '/api/runs', headers: JSON_TYPE, body: Buffer.concat([Buffer.from('{"workflow":"'), overLimit, Buffer.from('"}')]) },
    { what: 'a prompt over the limit', method: 'POST', path: '/prompt', headers: JSON_TYPE, body: Buffer.concat([Buffer.from('{"prompt":"'), overLimit, Buffer.from('"}')]) },
    { what: 'a base64 upload over the limit', method: 'POST', path: '/api/uploads', headers: JSON_TYPE, body: Buffer.concat([Buffer.from('{"data":"'), overLimit, Buffer.from('"}')]) },
    { what: 'a multipart upload over the limit', method: 'POST', path: '/upload/image', headers: multipart, body: multipartBody([`Content-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${overLimit.toString('latin1')}`]) },
    { what: 'a deflate bomb', method: 'POST', path: '/api/runs', headers: { ...JSON_TYPE, 'content-encoding': 'deflate' }, body: deflateSync(Buffer.alloc(20 * 1024 * 1024, 0x20)) },
    { what: 'truncated gzip', method: 'POST', path: '/api/runs', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.from('{"workflow": {}}')).subarray(0, 12) },
    { what: 'gzip that is not gzip', method: 'POST', path: '/prompt', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: 'not gzip at all' },
    { what: 'an unknown content-encoding', method: 'POST', path: '/api/runs', headers: { ...JSON_TYPE, 'content-encoding': 'zstd-9000' }, body: '{}' },
    { what: 'an unknown charset', method: 'POST', path: '/api/runs', headers: { 'content-type': 'application/json; charset=klingon' }, body: '{}' },
    // Nothing where something is required.
    ...(['/api/runs', '/prompt', '/api/uploads', '/upload/image', '/api/generate/flux'] as const).map((path) => ({ what: `an empty body → POST ${path}`, method: 'POST', path, headers: JSON_TYPE, body: '' })),
    { what: 'an empty body → PUT /api/workflows/malformed-saved', method: 'PUT', path: '/api/workflows/malformed-saved', headers: JSON_TYPE, body: '' },
    // Content types a route does not take.
    { what: 'text/plain to /api/runs', method: 'POST', path: '/api/runs', headers: { 'content-type': 'text/plain' }, body: '{"workflow": {}}' },
    { what: 'a form to /api/runs', method: 'POST', path: '/api/runs', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'workflow=x&__proto__[polluted]=1' },
    { what: 'multipart to /prompt', method: 'POST', path: '/prompt', headers: multipart, body: multipartBody(['Content-Disposition: form-data; name="prompt"\r\n\r\n{}']) },
    { what: 'XML to a workflow', method: 'PUT', path: '/api/workflows/malformed-saved', headers: { 'content-type': 'application/xml' }, body: '<a/>' },
    { what: 'no content type on a settings change', method: 'PUT', path: '/api/settings', body: '{"logLevel": "info"}' },
    { what: 'a content type that does not parse', method: 'POST', path: '/api/runs', headers: { 'content-type': ';;;===' }, body: '{}' },
    // Uploads.
    { what: 'multipart without a boundary', method: 'POST', path: '/api/uploads', headers: { 'content-type': 'multipart/form-data' }, body: 'x' },
    { what: 'multipart cut short', method: 'POST', path: '/upload/image', headers: multipart, body: '--zzz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nnot a png\r\n--zz' },
    { what: 'multipart with a traversing file name', method: 'POST', path: '/upload/image', headers: multipart, body: multipartBody(['Content-Disposition: form-data; name="image"; filename="../../../evil.png"\r\nContent-Type: image/png\r\n\r\nnot a png']) },
    { what: 'multipart with a __proto__ field and a bad subfolder', method: 'POST', path: '/upload/image', headers: multipart, body: multipartBody(['Content-Disposition: form-data; name="__proto__"\r\n\r\nx', 'Content-Disposition: form-data; name="subfolder"\r\n\r\n../..', 'Content-Disposition: form-data; name="overwrite"\r\n\r\nmaybe']) },
    { what: 'multipart with 2,000 fields', method: 'POST', path: '/api/uploads', headers: multipart, body: multipartBody(Array.from({ length: 2000 }, (_, i) => `Content-Disposition: form-data; name="f${i}"\r\n\r\nx`)) },
    { what: 'base64 that is not base64', method: 'POST', path: '/api/uploads', headers: JSON_TYPE, body: '{"data": "data:image/png;base64,!!!not-base64!!!"}' },
    { what: 'a JSON upload named to traverse', method: 'POST', path: '/api/uploads', headers: JSON_TYPE, body: '{"data": "aGVsbG8=", "filename": "../../etc/passwd", "subfolder": "../.."}' },
    // Paths: percent-encoding, prototype names, traversal, size.
    { what: 'a truncated %-escape in a run id', method: 'GET', path: '/api/runs/%E0%A4%A' },
    { what: 'a %-escape that is not UTF-8 in a history id', method: 'GET', path: '/history/%ff' },
    { what: 'a truncated %-escape in a node class', method: 'GET', path: '/object_info/%E0%A4%A' },
    { what: 'a truncated %-escape in a node type', method: 'GET', path: '/api/nodes/%E0%A4%A' },
    { what: 'a bare % in a workflow name', method: 'GET', path: '/api/workflows/%' },
    { what: 'overlong UTF-8 in an output path', method: 'GET', path: '/api/outputs/%c0%af%c0%af' },
    { what: 'a truncated %-escape in a download', method: 'GET', path: '/api/download/%E0%A4%A' },
    { what: 'raw invalid UTF-8 bytes in a path', method: 'GET', path: `/api/workflows/${utf8Bytes('x')}\xff\xfe` },
    { what: 'a NUL in a workflow name', method: 'GET', path: '/api/workflows/a%00b' },
    { what: 'a workflow name that traverses', method: 'PUT', path: '/api/workflows/..%2f..%2fetc', headers: JSON_TYPE, body: '{"schemaVersion":1,"nodes":{}}' },
    { what: 'an output path that traverses', method: 'GET', path: '/api/outputs/..%2f..%2fetc%2fpasswd' },
    { what: 'a 5,000-character run id', method: 'GET', path: `/api/runs/${'x'.repeat(5000)}` },
    { what: 'a run named __proto__', method: 'GET', path: '/api/runs/__proto__' },
    { what: 'cancelling a run named constructor', method: 'DELETE', path: '/api/runs/constructor' },
    { what: 'a workflow named __proto__', method: 'GET', path: '/api/workflows/__proto__' },
    { what: 'deleting a workflow named constructor', method: 'DELETE', path: '/api/workflows/constructor' },
    { what: 'a node type named __proto__', method: 'GET', path: '/api/nodes/__proto__' },
    { what: 'a history entry named __proto__', method: 'GET', path: '/history/__proto__', lenient: true },
    { what: 'a node class named constructor', method: 'GET', path: '/object_info/constructor', lenient: true },
    { what: 'a model id that traverses', method: 'POST', path: '/api/unload/..%2f..%2fetc' },
    { what: 'an unknown method', method: 'PATCH', path: '/api/runs' },
    // Queries: absurd numbers, unknown values, bad encoding, pollution.
    { what: 'a negative limit', method: 'GET', path: '/api/runs?limit=-1' },
    { what: 'a limit of 1e400', method: 'GET', path: '/api/runs?limit=1e400' },
    { what: 'a non-numeric offset', method: 'GET', path: '/api/runs?offset=abc' },
    { what: 'an unknown status', method: 'GET', path: '/api/runs?status=bogus' },
    { what: 'a status that does not %-decode', method: 'GET', path: '/api/runs?status=%E0%A4%A' },
    { what: 'a repeated limit', method: 'GET', path: '/api/runs?limit=1&limit=2&limit=3' },
    { what: 'prototype keys in a query', method: 'GET', path: '/api/runs?__proto__=1&constructor=2&hasOwnProperty=3', lenient: true },
    { what: 'an unknown log level', method: 'GET', path: '/api/logs?level=loud' },
    { what: 'a log limit of 1e9', method: 'GET', path: '/api/logs?limit=1e9' },
    { what: 'a log since that is not a number', method: 'GET', path: '/api/logs?since=yesterday' },
    { what: 'history with max_items=abc', method: 'GET', path: '/history?max_items=abc' },
    { what: 'history with max_items=-1', method: 'GET', path: '/history?max_items=-1' },
    { what: '/view without a filename', method: 'GET', path: '/view' },
    { what: '/view with a traversing filename', method: 'GET', path: '/view?filename=..%2f..%2fsecret&type=output' },
    { what: '/view with an unknown type', method: 'GET', path: '/view?filename=a.png&type=system' },
    { what: '/view with a filename that does not %-decode', method: 'GET', path: '/view?filename=%E0%A4%A' },
    { what: '/view with a __proto__ file', method: 'GET', path: '/view?filename=__proto__&type=output' },
    { what: 'dashboard results with limit=1e99', method: 'GET', path: '/api/dashboard/results?limit=1e99' },
    { what: 'a 20 KB query', method: 'GET', path: `/api/runs?status=${'a'.repeat(20_000)}` },
  ];
}

function hasErrorShape(c: Case, answer: RawResponse): boolean {
  const error = (answer.json as { error?: Record<string, unknown> } | undefined)?.error;
  if (typeof error !== 'object' || error === null || typeof error.message !== 'string') return false;
  if (typeof error.code === 'string') return Object.hasOwn(ERROR_CODES, error.code) && typeof error.details === 'object' && error.details !== null;
  // ComfyUI's shape: `type` is our error code or ComfyUI's own (`no_prompt`, `prompt_outputs_failed_validation`…).
  return COMFY_PREFIXES.some((prefix) => c.path.startsWith(prefix) || c.path.startsWith(`/api${prefix}`)) && typeof error.type === 'string';
}

test('a batch of malformed requests to every route group gets 4xx JSON errors, never a 5xx', async () => {
  const cases = [...bodyCases(), ...otherCases()];
  assert.ok(cases.length >= 200, `${cases.length} cases`);
  const problems: string[] = [];
  for (const c of cases) {
    let answer: RawResponse;
    try {
      answer = await rawRequest(server.url, c.path, { method: c.method, headers: c.headers, body: c.body });
    } catch (error) {
      problems.push(`${c.what}: no answer (${String(error)})`);
      continue;
    }
    if (answer.status >= 200 && answer.status < 300 && c.lenient) continue;
    if (answer.status < 400 || answer.status >= 500) problems.push(`${c.what}: ${answer.status} ${answer.text.slice(0, 160)}`);
    else if (!hasErrorShape(c, answer)) problems.push(`${c.what}: ${answer.status} without the JSON error shape: ${answer.text.slice(0, 160)}`);
  }
  assert.deepEqual(problems, []);
  // Prototype keys polluted nothing.
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

/** Writes `payload` on a fresh connection and answers everything the server sent until it closed the connection. */
function exchange(payload: string, options: { endAfterWrite?: boolean } = {}): Promise<Buffer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = netConnect(Number(port), '127.0.0.1', () => {
      socket.write(Buffer.from(payload, 'latin1'));
      // A request cut short only ends when the client hangs up.
      if (options.endAfterWrite) socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.setTimeout(15_000, () => {
      socket.destroy();
      reject(new Error(`the server left ${JSON.stringify(payload.slice(0, 60))} hanging`));
    });
  });
}

interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The HTTP/1.1 responses in `raw`, in order (bodies by Content-Length or chunked). */
function parseResponses(raw: Buffer): ParsedResponse[] {
  const responses: ParsedResponse[] = [];
  let text = raw.toString('latin1');
  while (text.length > 0) {
    const headEnd = text.indexOf('\r\n\r\n');
    assert.ok(headEnd > 0, `an incomplete response: ${JSON.stringify(text.slice(0, 200))}`);
    const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine!);
    assert.ok(match, `not an HTTP response: ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    text = text.slice(headEnd + 4);
    let body = '';
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const sizeEnd = text.indexOf('\r\n');
        const size = Number.parseInt(text.slice(0, sizeEnd), 16);
        body += text.slice(sizeEnd + 2, sizeEnd + 2 + size);
        text = text.slice(sizeEnd + 2 + size + 2);
        if (size === 0) break;
      }
    } else {
      const length = Number(headers['content-length'] ?? 0);
      body = text.slice(0, length);
      text = text.slice(length);
    }
    responses.push({ status: Number(match[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') });
  }
  return responses;
}

test('protocol garbage on a raw socket gets a JSON 4xx or a clean close, and the connection ends', async () => {
  // Connection: close, so a request the parser accepts ends the connection once answered too.
  const post = (headers: string, body = '') => `POST /api/runs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;
  // [what, payload, expected statuses (empty: the server may just close), end after writing]
  const garbage: [string, string, number[], boolean?][] = [
    ['not HTTP at all', 'NOT HTTP AT ALL\r\n\r\n', [400]],
    ['an unknown HTTP version', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', [400]],
    ['an unknown method', 'BREW /api/runs HTTP/1.1\r\nHost: x\r\n\r\n', [400]],
    ['control bytes', '\u0000\u0001\u0002\u0003\r\n\r\n', [400]],
    ['a TLS ClientHello', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003', [400]],
    ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', [400]],
    ['a 100 KB request line', `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, [431]],
    ['a 100 KB header', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(100_000)}\r\n\r\n`, [431]],
    ['3,000 headers', `GET / HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`, [431]],
    ['no Host header', 'GET /api/health HTTP/1.1\r\n\r\n', [400]],
    ['a space in a header name', 'GET / HTTP/1.1\r\nHo st: x\r\n\r\n', [400]],
    ['a folded header', 'GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n', [400]],
    ['a NUL in a header value', 'GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n', [400]],
    ['a NUL in the URL', 'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n', [400]],
    ['bare LF line ends', 'GET / HTTP/1.1\nHost: x\n\n', [400]],
    ['a chunk size that is not hex', post('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'), [400]],
    ['a chunk longer than its size', post('Transfer-Encoding: chunked\r\n', '2\r\n{}XX\r\n0\r\n\r\n'), [400]],
    ['a chunk size of 20 hex digits', post('Transfer-Encoding: chunked\r\n', `${'f'.repeat(20)}\r\n{}\r\n0\r\n\r\n`), [400]],
    ['a control byte in a chunk extension', post('Transfer-Encoding: chunked\r\n', '2;ext="\u0001"\r\n{}\r\n0\r\n\r\n'), [400]],
    ['a chunked body cut short', post('Transfer-Encoding: chunked\r\n', '5\r\n{"a":'), [400], true],
    ['chunked, then identity', post('Transfer-Encoding: chunked, identity\r\n', '0\r\n\r\n'), [400]],
    ['an unknown transfer coding', post('Transfer-Encoding: xchunked\r\n', '0\r\n\r\n'), [400]],
    ['two different Content-Lengths', post('Content-Length: 5\r\nContent-Length: 7\r\n', '{}'), [400]],
    ['Content-Length with Transfer-Encoding', post('Content-Length: 10\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), [400]],
    ['a negative Content-Length', post('Content-Length: -1\r\n', '{}'), [400]],
    ['a Content-Length of 10^23', post('Content-Length: 99999999999999999999999\r\n', '{}'), [400]],
    ['a body shorter than its Content-Length', post('Content-Length: 100\r\n', '{"workflow":'), [400], true],
    ['two Content-Types', post('Content-Type: text/plain\r\nContent-Length: 2\r\n', '{}'), [400]],
    // Both arrive at once: the parser fails before the first answer is written, and the connection gets the 400.
    ['a valid request, then garbage on the same connection', 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n', [400]],
    ['TRACE', 'TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [404]],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [404]],
    ['CONNECT (no proxy here)', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', []],
  ];
  for (const [what, payload, expected, endAfterWrite] of garbage) {
    const responses = parseResponses(await exchange(payload, { endAfterWrite }).catch((error: Error) => assert.fail(`${what}: ${error.message}`)));
    assert.deepEqual(responses.map((r) => r.status), expected, what);
    for (const response of responses) {
      if (response.status < 400) continue;
      assert.match(response.headers['content-type'] ?? '', /^application\/json/, what);
      const body = JSON.parse(response.body) as { error: { code: string; message: string; details: object } };
      assert.ok(Object.hasOwn(ERROR_CODES, body.error.code) && typeof body.error.message === 'string' && typeof body.error.details === 'object', `${what}: ${response.body}`);
    }
  }
});

test('values nested deeper than any workflow, and invalid UTF-8, inside otherwise valid bodies are refused', async () => {
  const deepValue = nested(10_000, '[', ']');
  const prompt = { 1: { class_type: 'srvtest.wait', inputs: { ms: 0, label: 'x' } } };
  const cases: [string, string, string | Buffer][] = [
    // Saved as is: JSON.stringify of the value overflows the stack.
    ['PUT', '/api/workflows/malformed-deep', `{"schemaVersion":1,"nodes":{"w":{"type":"srvtest.wait","inputs":{"ms":0,"label":"x","after":${deepValue}}}}}`],
    // extra_data is kept with the run: freezing and persisting it overflows the stack.
    ['POST', '/prompt', `{"prompt":${JSON.stringify(prompt)},"extra_data":{"extra_pnginfo":{"workflow":${deepValue}}}}`],
    // A run whose label would hold U+FFFD in place of what was sent.
    ['POST', '/api/runs', Buffer.concat([Buffer.from('{"workflow":{"schemaVersion":1,"nodes":{"w":{"type":"srvtest.wait","inputs":{"ms":0,"label":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}}}}')])],
  ];
  for (const [method, path, body] of cases) {
    const answer = await rawRequest(server.url, path, { method, headers: JSON_TYPE, body });
    assert.equal(answer.status, 400, `${method} ${path}: ${answer.text.slice(0, 200)}`);
    assert.equal((answer.json as { error: { code: string } }).error.code, 'invalid_json');
  }
});

test('after the batch the server answers, the runs it held succeeded, a new run succeeds, and no malformed request became a run', async () => {
  const health = await server.request('/api/health');
  assert.equal(health.status, 200);
  for (const id of pendingRuns) assert.equal((await finished.wait(id)).status, 'success', id);
  const runsBetween = (await server.request('/api/runs?limit=1')).body.total;
  assert.equal(runsBetween, runsBefore, 'no malformed request was queued as a run');
  const record = await runWorkflow(server, await exampleWorkflow('image-chain'));
  assert.equal(record.status, 'success');
  assert.equal((await server.request('/api/runs?limit=1')).body.total, runsBefore + 1);
});
