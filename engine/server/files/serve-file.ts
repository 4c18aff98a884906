/**
 * Streaming one file from a data folder to a client, through the safe resolver only:
 * `sendSafeFile(req, res, root, relativePath)` is what `/api/outputs`, `/api/inputs`, ComfyUI's
 * `/view` and the legacy `/api/download` all call. It answers the sniffed content type (bytes
 * before extension), Content-Length, a strong ETag and Last-Modified (304 on a match), single
 * byte ranges (206 / 416) for seeking in video and audio, HEAD without a body, and
 * `Content-Disposition` (attachment with a safe file name on request). The file is opened once
 * and everything — type, length, ranges, body — comes from that one open handle.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { SwitchyardError } from '../../errors.js';
import type { Logger } from '../../nodes/context.js';
import { decodeUrlPathOnce, openSafeFile, rawPathAfter, resolveSafeFile } from './safe-path.js';
import { contentTypeFor, SNIFF_BYTES } from './sniff.js';
import { parseRange, type ByteRange } from './range.js';

export interface SendFileOptions {
  /** `Content-Disposition: attachment` (a download) instead of inline. */
  download?: boolean;
  /** Where stream failures (other than the client going away) are logged. */
  log?: Logger;
  /** The name given to errors' details ("path", "filename"…). */
  label?: string;
}

function etagOf(stats: Stats): string {
  const digest = createHash('sha256').update(`${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`).digest('base64url');
  return `"${digest.slice(0, 22)}"`;
}

/** ASCII fallback and RFC 5987 forms of a file name for Content-Disposition. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const plain = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_') || 'download';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${plain}"; filename*=UTF-8''${encoded}`;
}

function secondsOf(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Whether the client's cached copy is current (If-None-Match first, else If-Modified-Since). */
function isNotModified(req: Request, etag: string, modifiedMs: number): boolean {
  const noneMatch = req.headers['if-none-match'];
  if (typeof noneMatch === 'string') {
    return noneMatch.split(',').some((tag) => {
      const trimmed = tag.trim();
      return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
    });
  }
  const since = req.headers['if-modified-since'];
  if (typeof since === 'string') {
    const date = Date.parse(since);
    return Number.isFinite(date) && secondsOf(modifiedMs) <= secondsOf(date);
  }
  return false;
}

/** Whether a Range may be honoured: no If-Range, or one that still matches (strong ETag or exact date). */
function ifRangeHolds(req: Request, etag: string, modifiedMs: number): boolean {
  const ifRange = req.headers['if-range'];
  if (typeof ifRange !== 'string') return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  const date = Date.parse(value);
  return Number.isFinite(date) && secondsOf(date) === secondsOf(modifiedMs);
}

async function readHead(handle: FileHandle, size: number): Promise<Buffer> {
  const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
  if (head.length === 0) return head;
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return head.subarray(0, bytesRead);
}

function isClientGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Sends the file `relativePath` (already percent-decoded, e.g. a query parameter) of `root`,
 * or throws a SwitchyardError (unsafe_path 400, not_found 404, range_not_satisfiable 416)
 * before anything is written.
 */
export async function sendSafeFile(req: Request, res: Response, root: string, relativePath: string, options: SendFileOptions = {}): Promise<void> {
  const file = await resolveSafeFile(root, relativePath, options.label);
  const { handle, stats } = await openSafeFile(file);
  let streaming = false;
  try {
    const etag = etagOf(stats);
    const name = file.relative.slice(file.relative.lastIndexOf('/') + 1);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', new Date(stats.mtimeMs).toUTCString());
    res.setHeader('Cache-Control', 'no-cache');
    if (isNotModified(req, etag, stats.mtimeMs)) {
      res.status(304).end();
      return;
    }
    let range: ByteRange | undefined;
    try {
      range = ifRangeHolds(req, etag, stats.mtimeMs) ? parseRange(req.headers.range, stats.size) : undefined;
    } catch (error) {
      res.setHeader('Content-Range', `bytes */${stats.size}`);
      throw error;
    }
    res.setHeader('Content-Type', contentTypeFor(name, await readHead(handle, stats.size)));
    res.setHeader('Content-Disposition', contentDisposition(options.download ? 'attachment' : 'inline', name));
    // A served file never runs as a page of ours, whatever it holds.
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
    const start = range?.start ?? 0;
    const end = range?.end ?? stats.size - 1;
    const length = stats.size === 0 ? 0 : end - start + 1;
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${start}-${end}/${stats.size}`);
    } else {
      res.status(200);
    }
    res.setHeader('Content-Length', String(length));
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    streaming = true;
    // The stream owns the handle from here and closes it when done or destroyed.
    const body = handle.createReadStream({ start, end, autoClose: true });
    try {
      await pipeline(body, res);
    } catch (error) {
      if (!isClientGone(error)) options.log?.error({ err: error, path: file.relative }, 'streaming a file failed');
    }
  } finally {
    if (!streaming) await handle.close();
  }
}

/**
 * `sendSafeFile` for a wildcard route: the part of the raw request target after `prefix`
 * (e.g. "/api/outputs/") is decoded exactly once and then resolved, so encodings of ".." that
 * a router or URL parser would have normalised away reach the checks as sent.
 */
export async function sendSafeFileFromUrl(req: Request, res: Response, root: string, prefix: string, options: SendFileOptions = {}): Promise<void> {
  const raw = rawPathAfter(req.originalUrl, prefix);
  if (raw === undefined) throw new SwitchyardError('unsafe_path', `the request path does not start with ${prefix}`, { prefix });
  await sendSafeFile(req, res, root, decodeUrlPathOnce(raw, options.label ?? 'path'), options);
}
