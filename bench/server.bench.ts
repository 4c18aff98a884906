/**
 * `npm run bench:server`: the HTTP server under load on loopback, side by side with a bare
 * express 5 + zod route in the same run (both as child processes; autocannon drives them from
 * this process). Prints: accepted submissions per second of a 10-node workflow from 1 and 8
 * connections (persistence on: every 202 is on disk), the ratio to the bare route, p50/p99
 * latency of `GET /api/nodes` and `GET /object_info` with ETag revalidation and with full
 * compressed bodies, and how many acknowledged submissions were lost when the server was
 * killed with SIGKILL in the middle of the load (must be 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createLogger } from '../engine/log/logger.js';
import { openRunStore } from '../engine/store/run-store.js';
import { tenNodeWorkflow } from './workflows.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'server', 'children.js');
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 8);

interface Child {
  url: string;
  process: ChildProcess;
}

function startChild(mode: 'bare' | 'switchyard', dataDir = ''): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /READY (\S+)/.exec(out);
      if (match) resolve({ url: match[1]!, process: child });
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code} before it was ready`)));
  });
}

async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill(signal);
  await exited;
}

async function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return autocannon({ url, duration: DURATION_S, ...options });
}

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

const COMFY_SUBMIT = { 1: 423, 8: 759 } as Record<number, number>;

async function submissions(): Promise<void> {
  const body = JSON.stringify({ workflow: tenNodeWorkflow(6) });
  const headers = { 'content-type': 'application/json' };
  const rows: string[][] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-server-'));
  const bare = await startChild('bare');
  const ours = await startChild('switchyard', dataDir);
  try {
    for (const connections of [1, 8]) {
      const reference = await load(`${bare.url}/api/runs`, { method: 'POST', body, headers, connections });
      const measured = await load(`${ours.url}/api/runs`, { method: 'POST', body, headers, connections });
      const accepted = measured['2xx'] / DURATION_S;
      const bareRate = reference['2xx'] / DURATION_S;
      rows.push([
        String(connections), accepted.toFixed(0), bareRate.toFixed(0), `${((accepted / bareRate) * 100).toFixed(0)} %`,
        String(measured.non2xx), measured.latency.p99.toFixed(1), String(COMFY_SUBMIT[connections]), `${(accepted / COMFY_SUBMIT[connections]!).toFixed(1)}×`,
      ]);
    }
  } finally {
    await stopChild(bare);
    await stopChild(ours);
    rmSync(dataDir, { recursive: true, force: true });
  }
  table(`Accepted submissions of a 10-node workflow (persistence on), ${DURATION_S} s each`,
    ['connections', 'switchyard /s', 'bare express+zod /s', 'of bare', 'non-2xx', 'p99 ms', 'ComfyUI /s (reference)', 'vs ComfyUI'], rows);
  process.stdout.write('Targets: ≥ 2,000 accepted/s and ≥ 60 % of the bare route.\n');
}

async function documents(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-server-'));
  const ours = await startChild('switchyard', dataDir);
  const rows: string[][] = [];
  try {
    for (const path of ['/api/nodes', '/object_info']) {
      const first = await fetch(`${ours.url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      const etag = first.headers.get('etag') ?? '';
      const size = (await first.arrayBuffer()).byteLength;
      // Latency as one client polling sees it (one connection: service time, not queueing
      // behind a saturated CPU); throughput from four connections.
      const full = await load(`${ours.url}${path}`, { connections: 1, headers: { 'accept-encoding': 'gzip, br' }, duration: Math.max(3, DURATION_S / 2) });
      const revalidated = await load(`${ours.url}${path}`, { connections: 1, headers: { 'if-none-match': etag }, duration: Math.max(3, DURATION_S / 2) });
      const saturated = await load(`${ours.url}${path}`, { connections: 4, headers: { 'accept-encoding': 'gzip, br' }, duration: Math.max(3, DURATION_S / 2) });
      rows.push([
        path, String(first.status), `${(size / 1024).toFixed(1)} KB`,
        full.latency.p50.toFixed(2), full.latency.p99.toFixed(2), revalidated.latency.p50.toFixed(2), revalidated.latency.p99.toFixed(2),
        saturated.requests.average.toFixed(0), saturated.latency.p99.toFixed(2),
      ]);
    }
  } finally {
    await stopChild(ours);
    rmSync(dataDir, { recursive: true, force: true });
  }
  table('Node definitions (latency: 1 connection; req/s: 4 connections; ComfyUI rebuilds /object_info on every call: median 137 ms, 493 KB uncompressed)',
    ['path', 'status', 'compressed size', 'full p50 ms', 'full p99 ms', '304 p50 ms', '304 p99 ms', 'req/s (4 conn)', 'p99 ms (4 conn)'], rows);
  process.stdout.write('Target: p99 under 5 ms.\n');
}

async function killDuringLoad(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-kill-'));
  const acknowledged: string[] = [];
  let failed = 0;
  try {
    const server = await startChild('switchyard', dataDir);
    let stop = false;
    const worker = async () => {
      let n = 0;
      while (!stop) {
        try {
          const response = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: tenNodeWorkflow(n++) }) });
          if (response.status === 202) acknowledged.push(((await response.json()) as { id: string }).id);
          else failed++;
        } catch {
          failed++;
          return;
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await stopChild(server, 'SIGKILL');
    stop = true;
    await Promise.all(workers);
    const store = await openRunStore({ dataDir, log: createLogger({ level: 'silent' }), historyCap: 1_000_000 });
    const lost = acknowledged.filter((id) => store.get(id) === undefined);
    await store.close();
    table('SIGKILL during load (8 clients submitting for 2 s)', ['acknowledged (202)', 'unacknowledged (connection cut)', 'acknowledged but lost'], [[String(acknowledged.length), String(failed), String(lost.length)]]);
    process.stdout.write('Target: 0 lost.\n');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.stdout.write(`Switchyard server bench — Node ${process.version}, ${process.arch}\n`);
// `node dist/bench/server.bench.js [submissions] [documents] [kill]` runs some sections only.
const only = new Set(process.argv.slice(2));
if (only.size === 0 || only.has('submissions')) await submissions();
if (only.size === 0 || only.has('documents')) await documents();
if (only.size === 0 || only.has('kill')) await killDuringLoad();
