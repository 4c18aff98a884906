/**
 * `node dist/bench/queue-submit.bench.js`: how fast the embedded queue accepts persisted
 * submissions, without HTTP — `queue.submit` of a 10-node workflow against a real run store in a
 * temp data folder, the queue not started (nothing executes, so the backlog grows the way it
 * does when submission outpaces execution). Prints submissions per second awaited one after
 * another and with 64 in flight, each measured first on an empty queue and then behind a
 * backlog of BENCH_BACKLOG queued runs (default 5,000), to show whether a submission's cost
 * grows with the queue. BENCH_SECONDS (default 2) is the length of each measurement;
 * BENCH_FSYNC (always | interval | never) picks the store's fsync mode (default: the store's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../engine/log/logger.js';
import { openRunStore } from '../engine/store/run-store.js';
import { createLocalQueue } from '../engine/queue/local-queue.js';
import type { RunQueue } from '../engine/queue/types.js';
import { tenNodeWorkflow } from './workflows.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 5000);

let seed = 0;

/** Submissions per second over SECONDS with `inFlight` submitters each awaiting its own. */
async function measure(queue: RunQueue, inFlight: number): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const submitter = async (): Promise<void> => {
    while (performance.now() < end) {
      const record = await queue.submit({ workflow: tenNodeWorkflow(seed++) });
      await queue.position(record.id);
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, submitter));
  return done / ((performance.now() - started) / 1000);
}

async function fill(queue: RunQueue, count: number): Promise<void> {
  for (let left = count; left > 0; left -= 500) {
    await Promise.all(Array.from({ length: Math.min(500, left) }, () => queue.submit({ workflow: tenNodeWorkflow(seed++) })));
  }
}

const rows: string[][] = [];
for (const inFlight of [1, 64]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-queue-'));
  const log = createLogger({ level: 'silent' });
  const fsync = process.env.BENCH_FSYNC as 'always' | 'interval' | 'never' | undefined;
  const store = await openRunStore({ dataDir, log, ...(fsync ? { fsync } : {}) });
  const queue = createLocalQueue({ store, log, execute: () => Promise.reject(new Error('the bench never starts the queue')) });
  try {
    const empty = await measure(queue, inFlight);
    const queued = (await queue.counts()).queued;
    if (queued < BACKLOG) await fill(queue, BACKLOG - queued);
    const backlog = (await queue.counts()).queued;
    const behind = await measure(queue, inFlight);
    rows.push([String(inFlight), empty.toFixed(0), `${behind.toFixed(0)} (${backlog} queued)`]);
  } finally {
    await queue.close({ timeoutMs: 0 });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const header = ['in flight', 'submits/s, empty queue', 'submits/s behind a backlog'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
process.stdout.write(`queue.submit + position of a 10-node workflow, persisted (fsync ${process.env.BENCH_FSYNC ?? 'default'}; Node ${process.version}), ${SECONDS} s each\n`);
process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
