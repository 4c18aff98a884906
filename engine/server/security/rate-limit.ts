/**
 * A token bucket per client address for submission routes: `burst` submissions may arrive at
 * once, then `ratePerSecond` refill. Over the limit, a request gets 429 with `Retry-After`.
 * Buckets of idle clients are dropped, so memory stays bounded by active clients.
 */
import type { RequestHandler } from 'express';
import { SwitchyardError } from '../../errors.js';

interface Bucket {
  tokens: number;
  updated: number;
}

export interface RateLimiter {
  /** Takes one token for `key`; answers the seconds to wait when none is left, else 0. */
  take(key: string, now?: number): number;
  /** Changes the rate and burst from now on (the operator's settings apply them live); buckets are kept. */
  reconfigure(ratePerSecond: number, burst: number): void;
}

export function createRateLimiter(ratePerSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let lastSweep = 0;
  const idleFor = () => (ratePerSecond > 0 ? Math.max(60_000, (burst / ratePerSecond) * 1000) : 60_000);
  let idleMs = idleFor();
  return {
    reconfigure(nextRate, nextBurst) {
      ratePerSecond = nextRate;
      burst = nextBurst;
      idleMs = idleFor();
    },
    take(key, now = Date.now()) {
      if (ratePerSecond <= 0) return 0;
      if (now - lastSweep > idleMs) {
        for (const [k, bucket] of buckets) if (now - bucket.updated > idleMs) buckets.delete(k);
        lastSweep = now;
      }
      const bucket = buckets.get(key) ?? { tokens: burst, updated: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updated) / 1000) * ratePerSecond);
      bucket.updated = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / ratePerSecond);
    },
  };
}

export function rateLimit(limiter: RateLimiter): RequestHandler {
  return (req, res, next) => {
    // The peer address (no proxy is trusted, so it is what req.ip would answer, without its parsing).
    const wait = limiter.take(req.socket.remoteAddress ?? 'unknown');
    if (wait === 0) return next();
    res.setHeader('Retry-After', String(wait));
    next(new SwitchyardError('rate_limited', `too many submissions from this client; retry in ${wait} s`, { retryAfterSeconds: wait }));
  };
}
