/**
 * A JSON document that is expensive to build and read often (`/api/nodes`, `/object_info`):
 * rebuilt in the background at most once per `maxAgeMs` (at once after `invalidate()`), shared by concurrent callers,
 * kept as bytes with a strong ETag and pre-compressed gzip/brotli variants. `send` answers
 * 304 to a matching If-None-Match and picks the best encoding the client accepts, so a repeat
 * call costs a header comparison, not a rebuild and a compression.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Request, Response } from 'express';

// Compression runs on libuv's thread pool, so a rebuild never blocks requests being answered.
const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

interface Built {
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  builtAt: number;
}

export interface CachedDocument {
  send(req: Request, res: Response): Promise<void>;
  /** The next call rebuilds (e.g. after an upload changes a combo's options). */
  invalidate(): void;
  /** The current value as parsed JSON, for callers that post-process it. */
  value(): Promise<unknown>;
}

/** `onError` hears failed background rebuilds (the previous bytes keep being served meanwhile). */
export function cachedDocument(build: () => Promise<unknown>, maxAgeMs = 2000, onError?: (error: unknown) => void): CachedDocument {
  let current: Built | undefined;
  let currentValue: unknown;
  let building: Promise<Built> | undefined;
  let generation = 0;

  const rebuild = (): Promise<Built> => {
    if (building) return building;
    const started = generation;
    building = (async () => {
      try {
        const value = await build();
        const identity = Buffer.from(JSON.stringify(value));
        const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
        // Unchanged content keeps its compressed variants (compression dominates the cost).
        const built: Built = current && current.etag === etag
          ? { ...current, builtAt: Date.now() }
          : { etag, identity, gzip: await gzipAsync(identity, { level: 6 }), br: await brotliAsync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }), builtAt: Date.now() };
        if (generation === started) {
          current = built;
          currentValue = value;
        }
        return built;
      } finally {
        building = undefined;
      }
    })();
    return building;
  };

  // Stale-while-revalidate: once built, callers get the current bytes at once while a rebuild
  // runs in the background; only the very first call (or one after invalidate()) waits.
  const fresh = async (): Promise<Built> => {
    if (current === undefined) return rebuild();
    if (Date.now() - current.builtAt >= maxAgeMs) void rebuild().catch((error: unknown) => onError?.(error));
    return current;
  };

  return {
    async send(req, res) {
      const doc = await fresh();
      res.setHeader('ETag', doc.etag);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Vary', 'Accept-Encoding');
      const match = req.headers['if-none-match'];
      if (typeof match === 'string' && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === doc.etag)) {
        res.status(304).end();
        return;
      }
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      const accepted = String(req.headers['accept-encoding'] ?? '');
      const body = /\bbr\b/.test(accepted) ? (res.setHeader('Content-Encoding', 'br'), doc.br)
        : /\bgzip\b/.test(accepted) ? (res.setHeader('Content-Encoding', 'gzip'), doc.gzip)
          : doc.identity;
      res.setHeader('Content-Length', String(body.length));
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    invalidate() {
      generation += 1;
      current = undefined;
    },
    async value() {
      await fresh();
      return currentValue;
    },
  };
}
