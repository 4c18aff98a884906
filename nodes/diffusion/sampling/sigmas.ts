/**
 * Noise levels (sigmas) for sampling, written in the project:
 * - the training schedule of SD 1.x/2.x/SDXL: "scaled linear" betas from 0.00085 to 0.012 over
 *   1000 steps, alphas_cumprod, and sigma(t) = sqrt((1 - ᾱ_t) / ᾱ_t);
 * - "normal": `steps` timesteps evenly spaced from the last training step to the first, each
 *   sigma interpolated linearly in log-sigma between integer timesteps, then a final 0;
 * - "karras" (Karras et al. 2022, rho = 7) between the schedule's smallest and largest sigma;
 * - flow matching (SD3, Flux): t from 1 to 0 in `steps` equal parts, shifted by
 *   sigma = shift·t / (1 + (shift − 1)·t) (shift 3 for SD3; 1 leaves t as is).
 * Every list ends with 0, so a sampler's last step lands on the clean image.
 */

export interface TrainingSchedule {
  /** sigma for each training timestep 0..N-1 (increasing). */
  readonly sigmas: Float64Array;
  readonly logSigmas: Float64Array;
}

/** SD's scaled-linear schedule (defaults: 0.00085 → 0.012, 1000 steps). */
export function scaledLinearSchedule(betaStart = 0.00085, betaEnd = 0.012, trainSteps = 1000): TrainingSchedule {
  const sigmas = new Float64Array(trainSteps);
  const logSigmas = new Float64Array(trainSteps);
  const a = Math.sqrt(betaStart);
  const b = Math.sqrt(betaEnd);
  let alphasCumprod = 1;
  for (let t = 0; t < trainSteps; t++) {
    const root = trainSteps === 1 ? a : a + ((b - a) * t) / (trainSteps - 1);
    alphasCumprod *= 1 - root * root;
    sigmas[t] = Math.sqrt((1 - alphasCumprod) / alphasCumprod);
    logSigmas[t] = Math.log(sigmas[t]!);
  }
  return { sigmas, logSigmas };
}

/** sigma at a fractional timestep, interpolating log-sigma linearly. */
export function sigmaAt(schedule: TrainingSchedule, t: number): number {
  const last = schedule.sigmas.length - 1;
  const clamped = Math.min(Math.max(t, 0), last);
  const low = Math.floor(clamped);
  const high = Math.min(low + 1, last);
  const w = clamped - low;
  return Math.exp((1 - w) * schedule.logSigmas[low]! + w * schedule.logSigmas[high]!);
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${String(steps)}`);
}

/** "normal": evenly spaced timesteps from the last to the first, then 0. */
export function normalSigmas(schedule: TrainingSchedule, steps: number): number[] {
  checkSteps(steps);
  const last = schedule.sigmas.length - 1;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(sigmaAt(schedule, steps === 1 ? last : last - (last * i) / (steps - 1)));
  out.push(0);
  return out;
}

/** "karras": rho-spaced between sigmaMax and sigmaMin, then 0. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, steps: number, rho = 7): number[] {
  checkSteps(steps);
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const ramp = steps === 1 ? 0 : i / (steps - 1);
    out.push((maxInv + ramp * (minInv - maxInv)) ** rho);
  }
  out.push(0);
  return out;
}

/** Flow matching (SD3, Flux): shifted t from 1 down to 0 in `steps` equal parts (steps + 1 values). */
export function flowMatchingSigmas(steps: number, shift = 1): number[] {
  checkSteps(steps);
  if (!(shift > 0)) throw new RangeError(`shift must be positive, got ${String(shift)}`);
  const out: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = 1 - i / steps;
    out.push((shift * t) / (1 + (shift - 1) * t));
  }
  return out;
}

/** The fractional training timestep of `sigma` (inverse of `sigmaAt`), clamped to the schedule. */
export function timestepAt(schedule: TrainingSchedule, sigma: number): number {
  const logs = schedule.logSigmas;
  const last = logs.length - 1;
  const target = Math.log(sigma);
  if (target <= logs[0]!) return 0;
  if (target >= logs[last]!) return last;
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (logs[mid]! <= target) low = mid;
    else high = mid;
  }
  const w = (target - logs[low]!) / (logs[high]! - logs[low]!);
  return low + w;
}
