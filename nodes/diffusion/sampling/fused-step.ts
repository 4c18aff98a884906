/**
 * One sampler step fused with the read of the network output, in a single pass over the latent:
 * per value, classifier-free guidance mixes the raw [negative, positive] output (or takes the
 * single one), the family's affine map gives the clean estimate d = a·x + b·p (rounded to
 * float32, as the array it replaces), the sampler's update writes x, and the next step's network
 * input (x·k, once per batch item) is written too. Each update is the same expression, in the
 * same order, as its array form in steps.ts, so the result is bit-identical to
 * `cleanEstimate` + that step + the input scaling (test/nodes/diffusion/sampling/fused-step.test.ts).
 */
import type { SamplerName } from '../model/types.js';
import { ancestralFlowCoefficients, ancestralSigmas, dpmpp2mCoefficients } from './steps.js';

const EMPTY = new Float32Array(0);

/** The update rules, one per loop body. */
const EULER = 0;
const ANCESTRAL = 1;
const ANCESTRAL_FLOW = 2;
const DDIM = 3;
const LCM = 4;
const LCM_FLOW = 5;
const DPMPP_FIRST = 6;
const DPMPP = 7;
const TO_ESTIMATE = 8;

/** One step's rule and its scalar factors (worked out once per step, never per value). */
export interface StepRule {
  readonly kind: number;
  readonly c0: number;
  readonly c1: number;
  readonly c2: number;
  readonly c3: number;
  /** Fresh noise this step draws (ancestral, LCM). */
  readonly needsNoise: boolean;
  /** Reads the previous step's clean estimate (DPM++ 2M). */
  readonly needsPrevious: boolean;
}

const rule = (kind: number, c0 = 0, c1 = 0, c2 = 0, c3 = 0, needsNoise = false, needsPrevious = false): StepRule => ({ kind, c0, c1, c2, c3, needsNoise, needsPrevious });

/**
 * The rule for `sampler` stepping from `sigma` to `next` (`sigmaPrev`: the step before, for
 * DPM++ 2M; `first`: no previous estimate yet; `flow`: a flow-matching model).
 */
export function stepRule(sampler: SamplerName, flow: boolean, sigmaPrev: number, sigma: number, next: number, first: boolean): StepRule {
  switch (sampler) {
    case 'euler_ancestral': {
      if (flow) {
        const { rescale, ratio, renoise } = ancestralFlowCoefficients(sigma, next);
        return rule(ANCESTRAL_FLOW, rescale, ratio, 1 - ratio, renoise, true);
      }
      const { up, down } = ancestralSigmas(sigma, next);
      return rule(ANCESTRAL, sigma, down - sigma, up, 0, true);
    }
    case 'ddim':
      return rule(DDIM, next / sigma);
    case 'lcm':
      return flow ? rule(LCM_FLOW, 1 - next, next, 0, 0, true) : rule(LCM, next, 0, 0, 0, true);
    case 'dpmpp_2m': {
      if (next === 0) return rule(TO_ESTIMATE);
      const { ratio, gain, a, b } = dpmpp2mCoefficients(sigmaPrev, sigma, next);
      return first ? rule(DPMPP_FIRST, ratio, gain) : rule(DPMPP, ratio, gain, a, b, false, true);
    }
    default:
      return rule(EULER, sigma, next - sigma);
  }
}

export interface FusedStep {
  /** The model-space latent, updated in place. */
  x: Float32Array;
  /** The network's raw output, [batch, x.length]. */
  raw: Float32Array;
  /** 1 (one prediction) or 2 ([negative, positive], mixed by `cfg`). */
  batch: number;
  cfg: number;
  /** The clean estimate d = a·x + b·p. */
  a: number;
  b: number;
  rule: StepRule;
  /** This step's fresh standard normal noise when the rule draws some. */
  noise?: Float32Array;
  /** The previous step's clean estimate when the rule reads it. */
  previous?: Float32Array;
  /** Receives this step's clean estimate (previews and DPM++ 2M read it; always written, so the loop has no branch). */
  denoised: Float32Array;
  /** Receives the next network input: `batch` copies of x·inputScale (written on the last step too; then unused). */
  input: Float32Array;
  inputScale: number;
}

export function fusedStep(step: FusedStep): void {
  const { x, raw, batch, rule } = step;
  const size = x.length;
  if (batch !== 1 && batch !== 2) throw new RangeError(`guidance mixes a batch of 1 or 2, got ${batch}`);
  if (raw.length !== size * batch) throw new RangeError(`${raw.length} predicted values for a batch of ${batch} × ${size}`);
  const noise = (rule.needsNoise ? step.noise : undefined) ?? EMPTY;
  const previous = (rule.needsPrevious ? step.previous : undefined) ?? EMPTY;
  if (rule.needsNoise && noise.length < size) throw new RangeError(`this step draws ${size} noise values; ${noise.length} were given`);
  if (rule.needsPrevious && previous.length < size) throw new RangeError('this step reads the previous clean estimate; none was given');
  if (step.denoised.length < size) throw new RangeError(`${step.denoised.length} values to keep a ${size}-value estimate in`);
  if (step.input.length !== size * batch) throw new RangeError(`the network input holds ${step.input.length} values, ${size * batch} needed`);
  const pass: Pass = {
    x, raw, size, paired: batch === 2, cfg: step.cfg, a: step.a, b: step.b, keep: step.denoised, input: step.input, k: step.inputScale,
    noise, previous, c0: rule.c0, c1: rule.c1, c2: rule.c2, c3: rule.c3,
  };
  PASSES[rule.kind]!(pass);
  if (batch === 2) step.input.copyWithin(size, 0, size);
}

/**
 * How the passes are written, for V8 (measured by instruction counts): one small function per
 * rule with no branch inside its loops (a branch per value costs more than the pass it saves:
 * the JIT reloads every array's length and data pointer after a merge), a loop each for a
 * guided batch of 2 and a single prediction, the per-value work in helpers it inlines, and the
 * second copy of the network input as one memcpy after the loop.
 */
interface Pass {
  x: Float32Array;
  raw: Float32Array;
  size: number;
  paired: boolean;
  cfg: number;
  a: number;
  b: number;
  keep: Float32Array;
  input: Float32Array;
  k: number;
  noise: Float32Array;
  previous: Float32Array;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
}

/** The guided estimate at i, rounded to float32 as an array of estimates holds it, and kept. */
function guided(raw: Float32Array, keep: Float32Array, size: number, cfg: number, a: number, b: number, i: number, xi: number): number {
  const u = raw[i]!;
  const d = Math.fround(a * xi + b * (u + cfg * (raw[size + i]! - u)));
  keep[i] = d;
  return d;
}

/** The single-prediction estimate at i, rounded and kept. */
function single(raw: Float32Array, keep: Float32Array, a: number, b: number, i: number, xi: number): number {
  const d = Math.fround(a * xi + b * raw[i]!);
  keep[i] = d;
  return d;
}

/** Stores x[i] and its scaled copy in the network input (a second copy is one memcpy after the pass). */
function write(x: Float32Array, input: Float32Array, k: number, i: number, value: number): void {
  const next = Math.fround(value);
  x[i] = next;
  input[i] = next * k;
}

function eulerPass({ x, raw, keep, input, size, paired, cfg, a, b, k, c0, c1 }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) {
      const xi = x[i]!;
      const d = guided(raw, keep, size, cfg, a, b, i, xi);
      write(x, input, k, i, xi + ((xi - d) / c0) * c1);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const xi = x[i]!;
    const d = single(raw, keep, a, b, i, xi);
    write(x, input, k, i, xi + ((xi - d) / c0) * c1);
  }
}

function ancestralPass({ x, raw, keep, input, size, paired, cfg, a, b, k, noise, c0, c1, c2 }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) {
      const xi = x[i]!;
      const d = guided(raw, keep, size, cfg, a, b, i, xi);
      write(x, input, k, i, xi + ((xi - d) / c0) * c1 + noise[i]! * c2);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const xi = x[i]!;
    const d = single(raw, keep, a, b, i, xi);
    write(x, input, k, i, xi + ((xi - d) / c0) * c1 + noise[i]! * c2);
  }
}

function ancestralFlowPass({ x, raw, keep, input, size, paired, cfg, a, b, k, noise, c0, c1, c2, c3 }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) {
      const xi = x[i]!;
      const d = guided(raw, keep, size, cfg, a, b, i, xi);
      write(x, input, k, i, c0 * (c1 * xi + c2 * d) + noise[i]! * c3);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const xi = x[i]!;
    const d = single(raw, keep, a, b, i, xi);
    write(x, input, k, i, c0 * (c1 * xi + c2 * d) + noise[i]! * c3);
  }
}

function ddimPass({ x, raw, keep, input, size, paired, cfg, a, b, k, c0 }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) {
      const xi = x[i]!;
      const d = guided(raw, keep, size, cfg, a, b, i, xi);
      write(x, input, k, i, d + c0 * (xi - d));
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const xi = x[i]!;
    const d = single(raw, keep, a, b, i, xi);
    write(x, input, k, i, d + c0 * (xi - d));
  }
}

function lcmPass({ x, raw, keep, input, size, paired, cfg, a, b, k, noise, c0 }: Pass): void {
  // σ_next = 0 adds a literal 0 (as lcmStep does), so a −0 estimate still becomes +0.
  const last = !(c0 > 0);
  if (paired) {
    for (let i = 0; i < size; i++) {
      const d = guided(raw, keep, size, cfg, a, b, i, x[i]!);
      write(x, input, k, i, d + (last ? 0 : c0 * noise[i]!));
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const d = single(raw, keep, a, b, i, x[i]!);
    write(x, input, k, i, d + (last ? 0 : c0 * noise[i]!));
  }
}

function lcmFlowPass({ x, raw, keep, input, size, paired, cfg, a, b, k, noise, c0, c1 }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) {
      const d = guided(raw, keep, size, cfg, a, b, i, x[i]!);
      write(x, input, k, i, c0 * d + c1 * noise[i]!);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const d = single(raw, keep, a, b, i, x[i]!);
    write(x, input, k, i, c0 * d + c1 * noise[i]!);
  }
}

function dpmppFirstPass({ x, raw, keep, input, size, paired, cfg, a, b, k, c0, c1 }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) {
      const xi = x[i]!;
      const d = guided(raw, keep, size, cfg, a, b, i, xi);
      write(x, input, k, i, c0 * xi + c1 * d);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const xi = x[i]!;
    const d = single(raw, keep, a, b, i, xi);
    write(x, input, k, i, c0 * xi + c1 * d);
  }
}

function dpmppPass({ x, raw, keep, input, size, paired, cfg, a, b, k, previous, c0, c1, c2, c3 }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) {
      const xi = x[i]!;
      const d = guided(raw, keep, size, cfg, a, b, i, xi);
      write(x, input, k, i, c0 * xi + c1 * (c2 * d - c3 * previous[i]!));
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const xi = x[i]!;
    const d = single(raw, keep, a, b, i, xi);
    write(x, input, k, i, c0 * xi + c1 * (c2 * d - c3 * previous[i]!));
  }
}

function toEstimatePass({ x, raw, keep, input, size, paired, cfg, a, b, k }: Pass): void {
  if (paired) {
    for (let i = 0; i < size; i++) write(x, input, k, i, guided(raw, keep, size, cfg, a, b, i, x[i]!));
    return;
  }
  for (let i = 0; i < size; i++) write(x, input, k, i, single(raw, keep, a, b, i, x[i]!));
}

const PASSES: readonly ((p: Pass) => void)[] = [eulerPass, ancestralPass, ancestralFlowPass, ddimPass, lcmPass, lcmFlowPass, dpmppFirstPass, dpmppPass, toEstimatePass];
