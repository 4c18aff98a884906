/**
 * `npm run bench:models`: what the diffusion pack adds around onnxruntime, measured side by side
 * in one run on the generated `demo-sd15` stand-in (real sessions, tiny weights):
 *
 * - sampler overhead per step outside the UNet call (`sample()` vs the same UNet `session.run`
 *   calls replayed bare), at 64×64 latents with classifier-free guidance, euler and dpmpp_2m;
 * - a whole text-to-image run vs the bare sum of its `session.run` calls (text encoder ×2, UNet
 *   × steps, VAE decoder) replayed on the same sessions with the same input tensors;
 * - image ↔ tensor conversion of a 1024×1024 RGB image: our passes next to a tight single pass
 *   and a casual per-pixel loop written here as references;
 * - session load time of the whole demo folder, cold (first in the process) and warm;
 * - with SWITCHYARD_BENCH_MODEL=/path/to/model/folder, that real model's load time and seconds
 *   per step on this CPU (SWITCHYARD_BENCH_SIZE, _STEPS, _CFG override the defaults).
 *
 * The replays record what the pipeline hands `InferenceSession.prototype.run` during one run
 * (the patch is removed before anything is timed), then call the original `run` on the same
 * session objects with the same feeds. Pipeline and replay samples alternate, and each figure
 * is the median of several samples after a warm-up. No assertions on time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import ort from 'onnxruntime-node';
import { createImage } from '../engine/nodes/index.js';
import { generateDemoModels } from '../nodes/diffusion/demo/generate.js';
import { hwcToPlanar, planarToHwc } from '../nodes/diffusion/families/shared/vae.js';
import { loadDiffusionModel } from '../nodes/diffusion/model/load.js';
import type { ConditioningValue, DenoiseOptions, DiffusionRuntime, Family, LatentShape, SamplerName } from '../nodes/diffusion/model/types.js';
import { emptyLatent } from '../nodes/diffusion/pipeline/latent.js';
import { sample, type SampleRequest } from '../nodes/diffusion/pipeline/sample.js';
import { textToImage, type TextToImageRequest } from '../nodes/diffusion/pipeline/text-to-image.js';
import { frameToRgb8, unpackPixels } from '../nodes/image/sharp-io.js';

// ---- recording and replaying session.run ----------------------------------------------------

type Feeds = ort.InferenceSession.FeedsType;
type RunMethod = (this: ort.InferenceSession, feeds: Feeds, ...rest: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
// The factory's type hides the class; every session onnxruntime-node opens shares this prototype.
const sessionPrototype = (ort.InferenceSession as unknown as { prototype: { run: RunMethod } }).prototype;
const bareRun: RunMethod = sessionPrototype.run;

interface RecordedRun {
  session: ort.InferenceSession;
  feeds: Feeds;
  component: string;
}

/** Which component a run went to, from the names it was fed (FACTS-MODELS contracts). */
function componentOf(feeds: Feeds): string {
  if ('input_ids' in feeds) return 'text encoder';
  if ('latent_sample' in feeds) return 'VAE decoder';
  if ('timestep' in feeds) return 'UNet';
  return 'other';
}

/** Runs `fn` once with every `session.run` recorded (session, feeds), then removes the patch. */
async function recordRuns<T>(fn: () => Promise<T>): Promise<{ result: T; runs: RecordedRun[] }> {
  const runs: RecordedRun[] = [];
  sessionPrototype.run = function recording(this: ort.InferenceSession, feeds: Feeds, ...rest: unknown[]) {
    runs.push({ session: this, feeds, component: componentOf(feeds) });
    return bareRun.call(this, feeds, ...rest);
  };
  try {
    return { result: await fn(), runs };
  } finally {
    sessionPrototype.run = bareRun;
  }
}

/** The recorded calls again, one after another, straight on the sessions. */
async function replay(runs: readonly RecordedRun[]): Promise<void> {
  for (const run of runs) await bareRun.call(run.session, run.feeds);
}

// ---- timing ---------------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeOnce(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Median ms of each function, samples taken in turn (a, b, c, a, b, c, …) so drift on a shared
 * VM hits all of them alike, after `warmups` rounds. A sample repeats a call until it lasts
 * `minSampleMs`, so fast calls are not dominated by timer resolution.
 */
async function timeSideBySide(fns: readonly (() => unknown)[], reps: number, warmups = 2, minSampleMs = 20): Promise<number[]> {
  (globalThis as { gc?: () => void }).gc?.();
  const inner = fns.map(() => 1);
  for (let w = 0; w < warmups; w++) {
    for (let f = 0; f < fns.length; f++) {
      const ms = await timeOnce(fns[f]!);
      inner[f] = Math.max(1, Math.min(1000, Math.ceil(minSampleMs / Math.max(ms, 1e-3))));
    }
  }
  const samples: number[][] = fns.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (let f = 0; f < fns.length; f++) {
      const n = inner[f]!;
      const ms = await timeOnce(async () => {
        for (let j = 0; j < n; j++) await fns[f]!();
      });
      samples[f]!.push(ms / n);
    }
  }
  return samples.map(median);
}

const fmt = (value: number, digits = 2) => value.toFixed(digits);
const pct = (value: number) => `${value >= 0 ? '+' : ''}${fmt(value * 100, 1)} %`;

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

// ---- a. sampler overhead per step ------------------------------------------------------------

const PROMPT = 'a red barn in a green field, golden hour';
const NEGATIVE = 'blurry, low quality';

async function samplerOverhead(runtime: DiffusionRuntime): Promise<void> {
  const steps = 20;
  const positive = await runtime.encodeText(PROMPT);
  const negative = await runtime.encodeText(NEGATIVE);
  const rows: string[][] = [];
  for (const sampler of ['euler', 'dpmpp_2m'] as const satisfies readonly SamplerName[]) {
    const request: SampleRequest = { positive, negative, latent: emptyLatent(1, runtime.latentChannels, 64, 64), seed: 42, steps, cfg: 7.5, sampler, scheduler: 'normal' };
    // One recorded run: every denoise call (its input copied: the sampler updates x in place)
    // and the UNet session.run each one made.
    const denoiseCalls: { x: Float32Array; shape: LatentShape; sigma: number; conds: readonly ConditioningValue[]; options: DenoiseOptions }[] = [];
    const recordingRuntime: DiffusionRuntime = {
      ...runtime,
      denoise: (x, shape, sigma, conds, options) => {
        denoiseCalls.push({ x: x.slice(), shape, sigma, conds, options });
        return runtime.denoise(x, shape, sigma, conds, options);
      },
    };
    const { runs } = await recordRuns(() => sample(recordingRuntime, request));
    const unetRuns = runs.filter((r) => r.component === 'UNet');
    if (unetRuns.length !== steps || denoiseCalls.length !== steps) throw new Error(`expected ${steps} UNet calls, recorded ${unetRuns.length} (${denoiseCalls.length} denoise calls)`);
    const [sampleMs, denoiseMs, unetMs] = await timeSideBySide([
      () => sample(runtime, request),
      async () => {
        for (const call of denoiseCalls) await runtime.denoise(call.x, call.shape, call.sigma, call.conds, call.options);
      },
      () => replay(unetRuns),
    ], 9);
    const perStepUs = (ms: number) => (ms * 1000) / steps;
    const unetCallUs = perStepUs(unetMs!);
    const wrapperUs = perStepUs(denoiseMs! - unetMs!);
    const loopUs = perStepUs(sampleMs! - denoiseMs!);
    const outsideUs = perStepUs(sampleMs! - unetMs!);
    rows.push([sampler, String(steps), fmt(sampleMs!, 1), fmt(unetMs!, 1), fmt(unetCallUs, 0), fmt(wrapperUs, 0), fmt(loopUs, 0), fmt(outsideUs, 0), `${fmt((outsideUs / unetCallUs) * 100, 1)} %`]);
  }
  table('a. Sampler overhead per step outside the UNet call (demo-sd15, 64×64 latents = 512×512 px, cfg 7.5 → UNet batch 2)',
    ['sampler', 'steps', 'sample() ms', 'bare UNet runs ms', 'UNet call µs', 'denoise wrapper µs/step', 'sampler loop µs/step', 'outside UNet µs/step', 'outside ÷ UNet call'], rows);
  process.stdout.write('"denoise wrapper": input scaling, tensors and the ε → clean estimate around each UNet call; "sampler loop": cfg mix, the update, noise and the rest of sample().\n');
}

// ---- b. whole text-to-image run vs its bare session.run calls ------------------------------

async function pipelineVsBare(runtime: DiffusionRuntime): Promise<void> {
  const rows: string[][] = [];
  const parts: string[][] = [];
  for (const [size, steps, sampler] of [[512, 20, 'euler'], [512, 20, 'dpmpp_2m'], [256, 20, 'euler']] as const) {
    const request: TextToImageRequest = { prompt: PROMPT, negativePrompt: NEGATIVE, width: size, height: size, steps, cfg: 7.5, seed: 42, sampler };
    const { runs } = await recordRuns(() => textToImage(runtime, request));
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(run.component, (counts.get(run.component) ?? 0) + 1);
    const [pipelineMs, bareMs] = await timeSideBySide([() => textToImage(runtime, request), () => replay(runs)], 9);
    const added = (pipelineMs! - bareMs!) / bareMs!;
    rows.push([`${size}×${size}`, String(steps), sampler, [...counts].map(([name, n]) => `${name} ×${n}`).join(', '), fmt(pipelineMs!, 1), fmt(bareMs!, 1), fmt(pipelineMs! - bareMs!, 2), pct(added), added < 0.05 ? 'yes' : 'NO']);
    if (size === 512 && sampler === 'euler') {
      // Where the bare time goes, per component (same inputs, same sessions).
      const components = [...counts.keys()];
      const times = await timeSideBySide(components.map((name) => () => replay(runs.filter((r) => r.component === name))), 7);
      components.forEach((name, i) => parts.push([name, String(counts.get(name)), fmt(times[i]!, 2), fmt(times[i]! / counts.get(name)!, 3)]));
    }
  }
  table('b. Whole text-to-image run vs the bare sum of its session.run calls replayed on the same sessions and inputs (demo-sd15, cfg 7.5)',
    ['size', 'steps', 'sampler', 'session.run calls', 'textToImage ms', 'bare runs ms', 'added ms', 'pipeline adds', 'under 5 %'], rows);
  table('   bare session.run time by component, 512×512, 20 steps, euler', ['component', 'calls', 'ms', 'ms per call'], parts);
}

// ---- c. image ↔ tensor conversion -------------------------------------------------------------

/** Reference: one tight pass from 8-bit interleaved RGB to planar −1..1. */
function tightBytesToPlanar(bytes: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  const scale = 2 / 255;
  for (let p = 0, s = 0; p < plane; p++, s += 3) {
    out[p] = bytes[s]! * scale - 1;
    out[plane + p] = bytes[s + 1]! * scale - 1;
    out[2 * plane + p] = bytes[s + 2]! * scale - 1;
  }
  return out;
}

/** Reference: one tight pass from planar −1..1 to 8-bit interleaved RGB (clamped, rounded). */
function tightPlanarToBytes(planar: Float32Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  const toByte = (value: number) => {
    const v = (value + 1) * 127.5;
    return v >= 255 ? 255 : v > 0 ? Math.round(v) : 0;
  };
  for (let p = 0, o = 0; p < plane; p++, o += 3) {
    out[o] = toByte(planar[p]!);
    out[o + 1] = toByte(planar[plane + p]!);
    out[o + 2] = toByte(planar[2 * plane + p]!);
  }
  return out;
}

interface Rgb { r: number; g: number; b: number }

/** Reference: the casual way — a pixel object per get, values pushed to a plain array, then copied. */
function casualBytesToPlanar(bytes: Uint8Array, width: number, height: number): Float32Array {
  const getPixel = (x: number, y: number): Rgb => {
    const i = (y * width + x) * 3;
    return { r: bytes[i]!, g: bytes[i + 1]!, b: bytes[i + 2]! };
  };
  const values: number[] = [];
  for (const channel of ['r', 'g', 'b'] as const) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) values.push((getPixel(x, y)[channel] / 255) * 2 - 1);
    }
  }
  return Float32Array.from(values);
}

/** Reference: the casual way back — a pixel object per get, bytes pushed to a plain array, then copied. */
function casualPlanarToBytes(planar: Float32Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  const getPixel = (x: number, y: number): Rgb => ({ r: planar[y * width + x]!, g: planar[plane + y * width + x]!, b: planar[2 * plane + y * width + x]! });
  const toByte = (v: number) => Math.round(Math.min(255, Math.max(0, ((v + 1) / 2) * 255)));
  const values: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const pixel = getPixel(x, y);
      values.push(toByte(pixel.r), toByte(pixel.g), toByte(pixel.b));
    }
  }
  return Uint8Array.from(values);
}

async function conversions(): Promise<void> {
  const width = 1024;
  const height = 1024;
  const bytes = new Uint8Array(width * height * 3);
  let state = 12345;
  for (let i = 0; i < bytes.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  const planar = tightBytesToPlanar(bytes, width, height);
  const hwc = unpackPixels(bytes, width, height, 1, 3, 255).image.data;
  const image = createImage(width, height, 1, planarToHwc(planar, width, height));

  const toTensor: [string, () => unknown][] = [
    ['ours: unpackPixels (bytes → HWC 0..1, image pack)', () => unpackPixels(bytes, width, height, 1, 3, 255)],
    ['ours: hwcToPlanar (HWC 0..1 → planar −1..1, VAE)', () => hwcToPlanar(hwc, width, height)],
    ['ours: both, bytes → planar', () => hwcToPlanar(unpackPixels(bytes, width, height, 1, 3, 255).image.data, width, height)],
    ['reference: tight single pass', () => tightBytesToPlanar(bytes, width, height)],
    ['reference: casual per-pixel loop', () => casualBytesToPlanar(bytes, width, height)],
  ];
  const toImage: [string, () => unknown][] = [
    ['ours: planarToHwc (planar −1..1 → HWC 0..1, VAE)', () => planarToHwc(planar, width, height)],
    ['ours: frameToRgb8 (HWC 0..1 → bytes, image pack)', () => frameToRgb8(image, 0)],
    ['ours: both, planar → bytes', () => frameToRgb8(createImage(width, height, 1, planarToHwc(planar, width, height)), 0)],
    ['reference: tight single pass', () => tightPlanarToBytes(planar, width, height)],
    ['reference: casual per-pixel loop', () => casualPlanarToBytes(planar, width, height)],
  ];
  const rows: string[][] = [];
  for (const [direction, cases] of [['image → tensor', toTensor], ['tensor → image', toImage]] as const) {
    const times = await timeSideBySide(cases.map(([, fn]) => fn), 7, 3);
    const tight = times[3]!;
    const casual = times[4]!;
    cases.forEach(([name], i) => rows.push([direction, name, fmt(times[i]!, 2), `${fmt(times[i]! / tight, 2)}×`, `${fmt(times[i]! / casual, 3)}×`]));
  }
  table('c. Image ↔ tensor conversion of a 1024×1024 RGB image (ms; the references are written in this bench)', ['direction', 'implementation', 'ms', 'vs tight pass', 'vs casual loop'], rows);
  process.stdout.write('Target: stay near a tight typed-array pass (about 9 ms on the reference machine), far from a casual per-pixel loop (about 330 ms).\n');
}

// ---- d. session load time -------------------------------------------------------------------

async function loadTimes(modelsDir: string): Promise<{ coldMs: number; warmMs: number; bytes: number }> {
  let bytes = 0;
  const loadAndRelease = async () => {
    const start = process.hrtime.bigint();
    const loaded = await loadDiffusionModel(modelsDir, 'demo-sd15');
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    bytes = loaded.bytes;
    await loaded.release();
    return ms;
  };
  const coldMs = await loadAndRelease();
  const warm: number[] = [];
  for (let i = 0; i < 9; i++) warm.push(await loadAndRelease());
  return { coldMs, warmMs: median(warm), bytes };
}

// ---- e. a real model ------------------------------------------------------------------------

const NATIVE_SIZE: Record<Family, number> = { sd15: 512, sdxl: 1024, sd3: 1024, flux: 1024 };

async function realModel(): Promise<void> {
  const folder = process.env.SWITCHYARD_BENCH_MODEL?.trim();
  if (!folder) {
    process.stdout.write('\ne. Real model: skipped. Set SWITCHYARD_BENCH_MODEL=/path/to/model/folder (an ONNX export: model_index.json with unet/ or transformer/, text encoders, vae_decoder/) to measure its load time and seconds per step here; SWITCHYARD_BENCH_SIZE, SWITCHYARD_BENCH_STEPS (default 4) and SWITCHYARD_BENCH_CFG (default 7) override the defaults.\n');
    return;
  }
  const dir = resolve(folder);
  const start = process.hrtime.bigint();
  const loaded = await loadDiffusionModel(dirname(dir), basename(dir));
  const loadS = Number(process.hrtime.bigint() - start) / 1e9;
  const runtime = loaded.value;
  try {
    const size = Number(process.env.SWITCHYARD_BENCH_SIZE ?? NATIVE_SIZE[runtime.family]);
    const steps = Number(process.env.SWITCHYARD_BENCH_STEPS ?? 4);
    const cfg = Number(process.env.SWITCHYARD_BENCH_CFG ?? 7);
    const stepAt: number[] = [];
    const runStart = performance.now();
    await textToImage(runtime, { prompt: PROMPT, negativePrompt: NEGATIVE, width: size, height: size, steps, cfg, seed: 42, onStep: () => stepAt.push(performance.now()) });
    const totalS = (performance.now() - runStart) / 1000;
    // Seconds per step from the gaps between step reports (the first step also carries text
    // encoding, the last report is followed by the VAE decode); one step: its whole run.
    const gaps = stepAt.slice(1).map((t, i) => (t - stepAt[i]!) / 1000);
    const perStep = gaps.length > 0 ? median(gaps) : totalS;
    const unetBatch = runtime.embedsGuidance || cfg === 1 ? 1 : 2;
    table(`e. Real model ${runtime.id} (${runtime.family}) on this CPU (${cpus().length} cores)`,
      ['size', 'steps', 'cfg', 'network batch', 'load s', 's/step', 'whole run s', 'outside steps s (encode + decode)'],
      [[`${size}×${size}`, String(steps), String(cfg), String(unetBatch), fmt(loadS, 2), fmt(perStep, 3), fmt(totalS, 2), fmt(totalS - perStep * steps, 2)]]);
  } finally {
    await loaded.release();
  }
}

// ---- main ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const modelsDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-models-'));
  try {
    process.stdout.write(`Switchyard models bench — Node ${process.version}, ${process.arch}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, onnxruntime-node ${ort.env.versions.common}\n`);
    await generateDemoModels(modelsDir, { only: ['demo-sd15'] });
    // Measured first, so "cold" is this process's first session load.
    const load = await loadTimes(modelsDir);
    const loaded = await loadDiffusionModel(modelsDir, 'demo-sd15');
    try {
      await samplerOverhead(loaded.value);
      await pipelineVsBare(loaded.value);
    } finally {
      await loaded.release();
    }
    await conversions();
    table('d. Session load time, demo-sd15 (text encoder, UNet, VAE decoder and encoder; open + contract checks)', ['load', 'ms', 'model bytes'],
      [['cold (first in the process)', fmt(load.coldMs, 1), String(load.bytes)], ['warm (repeat after release, median of 9)', fmt(load.warmMs, 1), String(load.bytes)]]);
    await realModel();
  } finally {
    rmSync(modelsDir, { recursive: true, force: true });
  }
}

await main();
