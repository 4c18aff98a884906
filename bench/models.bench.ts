/**
 * `npm run bench:models`: what the diffusion pack adds around onnxruntime, measured side by side
 * in one run on the generated `demo-sd15` stand-in (real sessions, tiny weights):
 *
 * - sampler overhead outside the UNet call (`sample()` vs the same UNet `session.run` calls
 *   replayed bare), at 64×64 latents with classifier-free guidance, split into a cost per step
 *   and a fixed cost per call (from runs of 20 and 5 steps), for the fused loop and for the
 *   reference loop over `denoise`, in absolute µs so a real model's figure can be projected;
 * - a whole text-to-image run vs the bare sum of its `session.run` calls (text encoder ×2, UNet
 *   × steps, VAE decoder) replayed on the same sessions with the same input tensors, and where
 *   the added time goes;
 * - image ↔ tensor conversion of a 1024×1024 RGB image: our one-pass conversions (sharp's raw
 *   bytes → planar −1..1, planar → bytes, and the IMAGE-float ones the nodes use) next to the
 *   previous two-pass route, a tight single pass and a casual per-pixel loop written here;
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
import { setTimeout as sleep } from 'node:timers/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import ort from 'onnxruntime-node';
import { createImage } from '../engine/nodes/index.js';
import { generateDemoModels } from '../nodes/diffusion/demo/generate.js';
import { hwcToPlanar, planarToHwc, planarToRgb8, rawToPlanar } from '../nodes/diffusion/families/shared/pixels.js';
import { loadDiffusionModel } from '../nodes/diffusion/model/load.js';
import type { DiffusionRuntime, Family, SamplerName } from '../nodes/diffusion/model/types.js';
import { emptyLatent } from '../nodes/diffusion/pipeline/latent.js';
import { sample, type SampleRequest } from '../nodes/diffusion/pipeline/sample.js';
import { SeededRandom } from '../nodes/diffusion/sampling/noise.js';
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
  outputs?: ort.InferenceSession.ReturnType;
}

/** Which component a run went to, from the names it was fed (FACTS-MODELS contracts). */
function componentOf(feeds: Feeds): string {
  if ('input_ids' in feeds) return 'text encoder';
  if ('latent_sample' in feeds) return 'VAE decoder';
  if ('timestep' in feeds) return 'UNet';
  return 'other';
}

/** Runs `fn` once with every `session.run` recorded (session, feeds, outputs), then removes the patch. */
async function recordRuns<T>(fn: () => Promise<T>): Promise<{ result: T; runs: RecordedRun[] }> {
  const runs: RecordedRun[] = [];
  sessionPrototype.run = async function recording(this: ort.InferenceSession, feeds: Feeds, ...rest: unknown[]) {
    const run: RecordedRun = { session: this, feeds, component: componentOf(feeds) };
    runs.push(run);
    run.outputs = await bareRun.call(this, feeds, ...rest);
    return run.outputs;
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

/**
 * Runs `fn` with every session answering at once with its recorded outputs: what is left is the
 * pipeline's own JavaScript (feeds, tensors, passes over latents and pixels), with none of the
 * network time and none of onnxruntime's binding, which the bare replay already counts.
 */
async function withStubbedSessions<T>(runs: readonly RecordedRun[], fn: () => Promise<T>): Promise<T> {
  const outputs = new Map<ort.InferenceSession, ort.InferenceSession.ReturnType>();
  for (const run of runs) if (run.outputs) outputs.set(run.session, run.outputs);
  sessionPrototype.run = function stubbed(this: ort.InferenceSession) {
    const answer = outputs.get(this);
    return answer ? Promise.resolve(answer) : Promise.reject(new Error('no recorded outputs for this session'));
  };
  try {
    return await fn();
  } finally {
    sessionPrototype.run = bareRun;
  }
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
 * `minSampleMs`, so fast calls are not dominated by timer resolution. `settleMs` of idle time
 * before each sample lets onnxruntime's worker threads stop spinning after the previous
 * sample's runs (on a 2-core machine they otherwise slow whichever sample comes next).
 */
async function timeSideBySide(fns: readonly (() => unknown)[], reps: number, warmups = 2, minSampleMs = 20, settleMs = 0): Promise<number[]> {
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
      if (settleMs > 0) await sleep(settleMs);
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

// ---- floors: the least any JavaScript pipeline must do -----------------------------------------

/**
 * The plainest loop over one guided step's bytes: it reads both predictions and x, and writes x,
 * the clean estimate and the next network input (its second copy as one memcpy), with one add per
 * value and none of a sampler's maths. No JavaScript sampler step can cost less than this.
 */
function stepFloor(x: Float32Array, raw: Float32Array, keep: Float32Array, input: Float32Array): void {
  const size = x.length;
  for (let i = 0; i < size; i++) {
    const v = x[i]! + raw[i]! + raw[size + i]!;
    x[i] = v;
    keep[i] = v;
    input[i] = v;
  }
  input.copyWithin(size, 0, size);
}

/** The same bytes moved by native copies (TypedArray.set): the memory traffic alone. */
function stepCopy(x: Float32Array, raw: Float32Array, keep: Float32Array, input: Float32Array): void {
  const size = x.length;
  keep.set(raw.subarray(0, size));
  x.set(raw.subarray(size));
  input.set(x);
  input.copyWithin(size, 0, size);
}

/** The plainest planar → interleaved loop for a decoded image into a new array (no scaling). */
function transposeFloor(planar: Float32Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  for (let p = 0, o = 0; p < plane; p++, o += 3) {
    out[o] = planar[p]!;
    out[o + 1] = planar[plane + p]!;
    out[o + 2] = planar[2 * plane + p]!;
  }
  return out;
}

/** Buffers for one guided step over a latent of `size` values. */
function stepBuffers(size: number) {
  const x = Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 0.5);
  const raw = Float32Array.from({ length: 2 * size }, (_, i) => Math.cos(i) * 0.5);
  return { x, raw, keep: new Float32Array(size), input: new Float32Array(2 * size) };
}

type StepBuffers = ReturnType<typeof stepBuffers>;

/**
 * Two values made by `make(0)` and `make(1)`, handed out in turn. A floor that always saw the
 * same arrays would be optimised with them as constants (V8 specialises a closure's constant
 * context: no bounds or pointer reloads, 2–3× faster), which no sampler, fed a new latent per
 * call, can have.
 */
function alternating<T>(make: (index: number) => T): () => T {
  const sets = [make(0), make(1)];
  let turn = 0;
  return () => sets[(turn ^= 1)]!;
}

/** A whole run's floor: `steps` step floors and the decoded image's transpose. */
function runFloor(steps: number, buffers: StepBuffers, decoded: Float32Array, width: number, height: number): Float32Array {
  for (let s = 0; s < steps; s++) stepFloor(buffers.x, buffers.raw, buffers.keep, buffers.input);
  return transposeFloor(decoded, width, height);
}

// ---- a. sampler overhead per step ------------------------------------------------------------

const PROMPT = 'a red barn in a green field, golden hour';
const NEGATIVE = 'blurry, low quality';

/** Per-step and fixed sampler overhead of one sampler, in µs (see samplerOverhead). */
interface Overhead {
  unetCallUs: number;
  perStepUs: number;
  floorUs: number;
  fixedUs: number;
  referencePerStepUs: number;
}

const overheads = new Map<SamplerName, Overhead>();

async function samplerOverhead(runtime: DiffusionRuntime): Promise<void> {
  const long = 20;
  const short = 5;
  const positive = await runtime.encodeText(PROMPT);
  const negative = await runtime.encodeText(NEGATIVE);
  // The same runtime without its fused path: sample() then runs the reference loop over denoise().
  const reference: DiffusionRuntime = { ...runtime, affine: undefined };
  const rows: string[][] = [];
  const nextBuffers = alternating(() => stepBuffers(runtime.latentChannels * 64 * 64));
  const floorStep = () => {
    const { x, raw, keep, input } = nextBuffers();
    stepFloor(x, raw, keep, input);
  };
  const copyStep = () => {
    const { x, raw, keep, input } = nextBuffers();
    stepCopy(x, raw, keep, input);
  };
  // Optimised before the first table row, as the pipeline's own loops are by its warm-up runs.
  for (let i = 0; i < 500; i++) floorStep();
  for (const sampler of ['euler', 'dpmpp_2m', 'euler_ancestral'] as const satisfies readonly SamplerName[]) {
    const request = (steps: number): SampleRequest => ({ positive, negative, latent: emptyLatent(1, runtime.latentChannels, 64, 64), seed: 42, steps, cfg: 7.5, sampler, scheduler: 'normal' });
    const { runs } = await recordRuns(() => sample(runtime, request(long)));
    const unetRuns = runs.filter((r) => r.component === 'UNet');
    if (unetRuns.length !== long) throw new Error(`expected ${long} UNet calls, recorded ${unetRuns.length}`);
    const [stubLong, stubShort, referenceLong, referenceShort, realLong, bareLong, floorMs, copyMs] = await timeSideBySide([
      () => withStubbedSessions(runs, () => sample(runtime, request(long))),
      () => withStubbedSessions(runs, () => sample(runtime, request(short))),
      () => withStubbedSessions(runs, () => sample(reference, request(long))),
      () => withStubbedSessions(runs, () => sample(reference, request(short))),
      () => sample(runtime, request(long)),
      () => replay(unetRuns),
      floorStep,
      copyStep,
    ], 11, 2, 20, 10);
    // JS alone(n) = fixed + n · per step, from n = 20 and n = 5 steps with the sessions stubbed.
    const perStepUs = ((stubLong! - stubShort!) * 1000) / (long - short);
    const fixedUs = stubLong! * 1000 - long * perStepUs;
    const referencePerStepUs = ((referenceLong! - referenceShort!) * 1000) / (long - short);
    const unetCallUs = (bareLong! * 1000) / long;
    const floorUs = floorMs! * 1000;
    overheads.set(sampler, { unetCallUs, perStepUs, floorUs, fixedUs, referencePerStepUs });
    rows.push([sampler, fmt(unetCallUs, 0), fmt(perStepUs, 0), fmt(referencePerStepUs, 0), fmt(fixedUs, 0), `${fmt((perStepUs / unetCallUs) * 100, 1)} %`,
      fmt(floorUs, 0), fmt(copyMs! * 1000, 1), `${fmt((floorUs / unetCallUs) * 100, 1)} %`, fmt(((realLong! - bareLong!) * 1000) / long, 0)]);
  }
  table(`a. Sampler overhead outside the UNet call (demo-sd15, 64×64 latents = 512×512 px, cfg 7.5 → UNet batch 2)`,
    ['sampler', 'UNet call µs', 'per step µs', 'reference loop per step µs', 'fixed per call µs', 'per step ÷ UNet call', 'JS floor µs', 'native copy µs', 'JS floor ÷ UNet call', `check: (sample() − bare) ÷ ${long} µs`], rows);
  process.stdout.write('Per step and fixed: sample() with every session.run answering at once from a recorded run (JS alone), from 20 and 5 steps.\n'
    + '"per step": the fused pass (cfg mix, clean estimate, update, next UNet input), feeds upkeep, and for euler_ancestral 16 384 fresh Gaussians; "fixed": initial noise, latent set-up.\n'
    + '"reference loop": the same sampler through denoise() and the array steps (three passes and an allocation per step), as before the fused loop.\n'
    + '"JS floor": the plainest JavaScript loop over the same bytes (reads both predictions and x; writes x, the estimate, the next input) with no sampler maths: no JavaScript step costs less.\n'
    + '"native copy": the same bytes moved by TypedArray.set — the memory traffic alone. The stand-in UNet call is a few such passes plus the binding, so a JavaScript step is a sizeable part of it by construction.\n'
    + 'The check column is the direct difference with the real UNet (noisy on a shared machine: the UNet call itself varies run to run).\n'
    + 'These costs scale with the latent, not the network: a real SD 1.x UNet at 512×512 works on the same 4×64×64 latent, so its per-step overhead is the same µs.\n');
}

// ---- b. whole text-to-image run vs its bare session.run calls ------------------------------

async function pipelineVsBare(runtime: DiffusionRuntime): Promise<void> {
  const rows: string[][] = [];
  const parts: string[][] = [];
  let added512 = 0;
  for (const [size, steps, sampler] of [[512, 20, 'euler'], [512, 20, 'dpmpp_2m'], [256, 20, 'euler']] as const) {
    const request: TextToImageRequest = { prompt: PROMPT, negativePrompt: NEGATIVE, width: size, height: size, steps, cfg: 7.5, seed: 42, sampler };
    const { runs } = await recordRuns(() => textToImage(runtime, request));
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(run.component, (counts.get(run.component) ?? 0) + 1);
    const nextBuffers = alternating(() => stepBuffers(runtime.latentChannels * (size / 8) * (size / 8)));
    const nextImage = alternating((phase) => Float32Array.from({ length: size * size * 3 }, (_, i) => Math.sin(i + phase)));
    const [pipelineMs, bareMs, aloneMs, floorMs] = await timeSideBySide([
      () => textToImage(runtime, request),
      () => replay(runs),
      () => withStubbedSessions(runs, () => textToImage(runtime, request)),
      () => runFloor(steps, nextBuffers(), nextImage(), size, size),
    ], 15, 2, 20, 10);
    // The same JS alone once more with no onnxruntime call in between: on a 2-core machine the
    // runtime's worker threads, still spinning after a real run, slow whatever comes next.
    const [quietMs] = await timeSideBySide([() => withStubbedSessions(runs, () => textToImage(runtime, request))], 15, 2, 20);
    const added = (pipelineMs! - bareMs!) / bareMs!;
    const alone = aloneMs! / bareMs!;
    rows.push([`${size}×${size}`, String(steps), sampler, [...counts].map(([name, n]) => `${name} ×${n}`).join(', '), fmt(pipelineMs!, 1), fmt(bareMs!, 1), fmt(pipelineMs! - bareMs!, 2), pct(added), fmt(aloneMs!, 2), pct(alone),
      `${fmt(quietMs!, 2)} (${pct(quietMs! / bareMs!)})`, fmt(floorMs!, 2), pct(floorMs! / bareMs!), alone < 0.05 ? 'yes' : 'NO']);
    if (size === 512 && sampler === 'euler') {
      added512 = aloneMs!;
      // Where the bare time goes, per component (same inputs, same sessions).
      const components = [...counts.keys()];
      const times = await timeSideBySide(components.map((name) => () => replay(runs.filter((r) => r.component === name))), 7);
      components.forEach((name, i) => parts.push([name, String(counts.get(name)), fmt(times[i]!, 2), fmt(times[i]! / counts.get(name)!, 3)]));
    }
  }
  table('b. Whole text-to-image run vs the bare sum of its session.run calls replayed on the same sessions and inputs (demo-sd15, cfg 7.5)',
    ['size', 'steps', 'sampler', 'session.run calls', 'textToImage ms', 'bare runs ms', 'added ms', 'pipeline adds', 'JS alone ms', 'JS alone ÷ bare', 'JS alone, quiet ms (÷ bare)', 'JS floor ms', 'JS floor ÷ bare', 'under 5 %'], rows);
  process.stdout.write('"JS alone": textToImage with every session.run answering at once from the recorded run — the pipeline\'s own work, measured without the network noise in "added"; '
    + '"quiet": the same, timed on its own afterwards, with no onnxruntime call between samples.\n'
    + '"JS floor": the data movement no JavaScript pipeline avoids — the plainest loop over each step\'s bytes (table a), times the steps, and a plain planar → interleaved copy of the decoded image — '
    + 'with no tokenizing, noise, conditioning or sampler maths. Where the floor alone is over 5 % of the bare calls, no JavaScript pipeline can add under 5 % on these stand-ins.\n');
  table('   bare session.run time by component, 512×512, 20 steps, euler', ['component', 'calls', 'ms', 'ms per call'], parts);

  // Where the added time goes at 512×512, euler, 20 steps: the pieces timed on their own.
  const plane = 512 * 512;
  const decoded = Float32Array.from({ length: plane * 3 }, (_, i) => Math.sin(i) * 1.05);
  const [noiseMs, decodeMs] = await timeSideBySide([
    () => new SeededRandom(42).gaussian(4 * 64 * 64),
    () => planarToHwc(decoded, 512, 512),
  ], 9);
  const euler = overheads.get('euler');
  const stepsMs = euler ? (20 * euler.perStepUs) / 1000 : Number.NaN;
  const fixedMs = euler ? euler.fixedUs / 1000 : Number.NaN;
  table('   where the JS-alone time goes, 512×512, 20 steps, euler (pieces timed on their own; per step and fixed from table a)', ['piece', 'ms', 'share of JS alone'], [
    ['sampler, 20 × per-step overhead', fmt(stepsMs, 2), pct(stepsMs / added512)],
    ['sampler fixed cost (of which initial noise)', `${fmt(fixedMs, 2)} (${fmt(noiseMs!, 2)})`, pct(fixedMs / added512)],
    ['VAE output → IMAGE floats (planarToHwc, 512×512, new array)', fmt(decodeMs!, 2), pct(decodeMs! / added512)],
    ['rest: prompt tokenizing, conditioning, promise hops', fmt(added512 - stepsMs - fixedMs - decodeMs!, 2), pct((added512 - stepsMs - fixedMs - decodeMs!) / added512)],
  ]);
  if (euler) {
    const perStep = euler.perStepUs;
    const fixed = euler.fixedUs / 1000 + decodeMs!;
    process.stdout.write(`Projection: a run adds about ${fmt(fixed, 1)} ms once (noise, decode conversion at 512×512) plus ${fmt(perStep, 0)} µs per step. `
      + `With a real SD 1.x UNet call of 1 s (batch 2, 512×512, CPU) that is ${fmt((perStep / 1e6) * 100, 3)} % per step; at 50 ms per call (a GPU) ${fmt((perStep / 50000) * 100, 2)} %.\n`);
  }
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
  const rgba = new Uint8Array(width * height * 4);
  let state = 12345;
  for (let i = 0; i < bytes.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  for (let p = 0; p < width * height; p++) rgba.set([bytes[p * 3]!, bytes[p * 3 + 1]!, bytes[p * 3 + 2]!, 255], p * 4);
  const planar = tightBytesToPlanar(bytes, width, height);
  const hwc = unpackPixels(bytes, width, height, 1, 3, 255).image.data;
  const raw = { data: bytes, width, height, channels: 3 };

  const toTensor: [string, () => unknown][] = [
    ['ours: rawToPlanar (sharp raw RGB bytes → planar −1..1, one pass)', () => rawToPlanar(raw)],
    ['ours: rawToPlanar, RGBA bytes', () => rawToPlanar({ data: rgba, width, height, channels: 4 })],
    ['ours: hwcToPlanar (IMAGE floats → planar, VAEEncode node)', () => hwcToPlanar(hwc, width, height)],
    ['previous route: unpackPixels + hwcToPlanar (two passes)', () => hwcToPlanar(unpackPixels(bytes, width, height, 1, 3, 255).image.data, width, height)],
    ['reference: tight single pass', () => tightBytesToPlanar(bytes, width, height)],
    ['reference: casual per-pixel loop', () => casualBytesToPlanar(bytes, width, height)],
  ];
  const toImage: [string, () => unknown][] = [
    ['ours: planarToRgb8 (planar −1..1 → RGB bytes, one pass)', () => planarToRgb8(planar, width, height)],
    ['ours: planarToHwc (planar → IMAGE floats, VAEDecode node)', () => planarToHwc(planar, width, height)],
    ['previous route: planarToHwc + frameToRgb8 (two passes)', () => frameToRgb8(createImage(width, height, 1, planarToHwc(planar, width, height)), 0)],
    ['reference: tight single pass', () => tightPlanarToBytes(planar, width, height)],
    ['reference: casual per-pixel loop', () => casualPlanarToBytes(planar, width, height)],
  ];
  const rows: string[][] = [];
  for (const [direction, cases] of [['image → tensor', toTensor], ['tensor → image', toImage]] as const) {
    const times = await timeSideBySide(cases.map(([, fn]) => fn), 9, 3);
    const tight = times[cases.length - 2]!;
    const casual = times[cases.length - 1]!;
    cases.forEach(([name], i) => rows.push([direction, name, fmt(times[i]!, 2), `${fmt(times[i]! / tight, 2)}×`, `${fmt(times[i]! / casual, 3)}×`]));
  }
  table('c. Image ↔ tensor conversion of a 1024×1024 RGB image (ms, each allocating its output; the references are written in this bench)', ['direction', 'implementation', 'ms', 'vs tight pass', 'vs casual loop'], rows);
  process.stdout.write('Target: stay near a tight typed-array pass (about 9 ms on the reference machine), far from a casual per-pixel loop (about 330 ms).\n'
    + 'The byte paths equal the previous two-pass route bit for bit (test/nodes/diffusion/families/shared/pixels.test.ts).\n');
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
