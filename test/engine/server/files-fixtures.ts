/**
 * Shared by the file tests (files, traversal, uploads): raw HTTP requests through `node:http`
 * (fetch and URL normalise `..` and backslashes, so only a raw request reaches the server as an
 * attacker would send it), multipart bodies built by hand, and small real media files (PNG and
 * JPEG through sharp; WAV, MP4 and WebM built byte by byte with valid headers).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The parsed body when it is JSON. */
  json: any;
}

/**
 * Sends `path` to the server exactly as given (bytes above 0x7f as written: pass UTF-8 bytes
 * as a latin1 string, see `utf8Bytes`).
 */
export function rawRequest(baseUrl: string, path: string, init: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), method: init.method ?? 'GET', path, headers: { connection: 'close', ...init.headers }, insecureHTTPParser: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json: unknown;
        if ((res.headers['content-type'] ?? '').includes('json') && text.length > 0) json = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A string whose characters are the UTF-8 bytes of `text` (how Node hands raw URL bytes over). */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer; contentType?: string };

/** A multipart/form-data body and its Content-Type. */
export function multipart(parts: readonly Part[]): { body: Buffer; contentType: string } {
  const boundary = `----switchyard-test-${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('data' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename.replace(/"/g, '%22')}"\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`, 'utf8'));
      chunks.push(part.data, Buffer.from('\r\n'));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`, 'utf8'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POSTs a multipart body raw and answers the response. */
export function postMultipart(baseUrl: string, path: string, parts: readonly Part[], headers: Record<string, string> = {}): Promise<RawResponse> {
  const { body, contentType } = multipart(parts);
  return rawRequest(baseUrl, path, { method: 'POST', body, headers: { 'content-type': contentType, 'content-length': body.length, ...headers } });
}

/** POSTs JSON raw (so the body can be any size or shape). */
export function postJson(baseUrl: string, path: string, value: unknown): Promise<RawResponse> {
  const body = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return rawRequest(baseUrl, path, { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-length': body.length } });
}

/** A real PNG of noise (so it does not compress to nothing) of the given size. */
export async function pngBytes(width = 32, height = 24, seed = 1): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 7919 + seed * 104729) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

export async function jpegBytes(width = 32, height = 24): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } }).jpeg().toBuffer();
}

/** A valid 16-bit mono PCM WAV of `samples` samples. */
export function wavBytes(samples = 800): Buffer {
  const data = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) data.writeInt16LE(Math.round(Math.sin(index / 8) * 8000), index * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** An ISO-BMFF `ftyp` box (isom/mp42) followed by `payload` bytes of a counting pattern: enough for type and range checks. */
export function mp4Bytes(payload = 4000): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  ftyp.writeUInt32BE(0x200, 12);
  ftyp.write('isommp42', 16, 'latin1');
  const rest = Buffer.alloc(payload);
  for (let index = 0; index < payload; index++) rest[index] = index % 256;
  return Buffer.concat([ftyp, rest]);
}

/** An EBML header with doc type "webm", then filler. */
export function webmBytes(): Buffer {
  return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84]), Buffer.from('webm', 'latin1'), Buffer.alloc(200, 0x11)]);
}

/** Every file under `dir` (relative paths), for "nothing was written there" checks. */
export async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string, prefix: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(join(at, entry.name), `${prefix}${entry.name}/`);
      else found.push(prefix + entry.name);
    }
  };
  await walk(dir, '');
  return found.sort();
}
