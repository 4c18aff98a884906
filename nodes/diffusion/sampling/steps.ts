/**
 * One sampler step each, on flat float32 latents, in k-diffusion's sigma parameterisation
 * (`denoised` is the model's estimate of the clean latent at noise level `sigma`):
 * - Euler: x ← x + d·(σ_next − σ), with d = (x − denoised) / σ;
 * - Euler ancestral (eta 1): step to σ_down, then add fresh noise of σ_up, where
 *   σ_up = min(σ_next, √(σ_next²·(σ² − σ_next²)/σ²)) and σ_down = √(σ_next² − σ_up²);
 * - flow-matching Euler (SD3, Flux): x ← x + v·(σ_next − σ) with the model's velocity v;
 * - DDIM (eta 0): x ← denoised + σ_next·ε with ε = (x − denoised)/σ. In this parameterisation it
 *   is the same update as Euler (written out on its own so the sampler names say what runs);
 * - LCM: jump to the model's clean estimate, then re-noise to σ_next with fresh noise.
 * Each writes into `x` in place and answers it. (Classifier-free guidance is mixed where the
 * network output is read: families/shared/guidance.ts.)
 */

function sameLength(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`${name}: ${a.length} latent values but ${b.length} in the model output`);
}

export function eulerStep(x: Float32Array, denoised: ArrayLike<number>, sigma: number, sigmaNext: number): Float32Array {
  sameLength('euler', x, denoised);
  const dt = sigmaNext - sigma;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + ((x[i]! - denoised[i]!) / sigma) * dt;
  return x;
}

export function ancestralSigmas(sigma: number, sigmaNext: number, eta = 1): { up: number; down: number } {
  if (sigmaNext === 0) return { up: 0, down: 0 };
  const up = Math.min(sigmaNext, eta * Math.sqrt((sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext)) / (sigma * sigma)));
  return { up, down: Math.sqrt(sigmaNext * sigmaNext - up * up) };
}

export function eulerAncestralStep(x: Float32Array, denoised: ArrayLike<number>, sigma: number, sigmaNext: number, noise: ArrayLike<number>, eta = 1): Float32Array {
  sameLength('euler ancestral', x, denoised);
  sameLength('euler ancestral noise', x, noise);
  const { up, down } = ancestralSigmas(sigma, sigmaNext, eta);
  const dt = down - sigma;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + ((x[i]! - denoised[i]!) / sigma) * dt + noise[i]! * up;
  return x;
}

export function flowEulerStep(x: Float32Array, velocity: ArrayLike<number>, sigma: number, sigmaNext: number): Float32Array {
  sameLength('flow euler', x, velocity);
  const dt = sigmaNext - sigma;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + velocity[i]! * dt;
  return x;
}

export function ddimStep(x: Float32Array, denoised: ArrayLike<number>, sigma: number, sigmaNext: number): Float32Array {
  sameLength('ddim', x, denoised);
  const ratio = sigmaNext / sigma;
  for (let i = 0; i < x.length; i++) x[i] = denoised[i]! + ratio * (x[i]! - denoised[i]!);
  return x;
}

export function lcmStep(x: Float32Array, denoised: ArrayLike<number>, sigmaNext: number, noise: ArrayLike<number>): Float32Array {
  sameLength('lcm', x, denoised);
  sameLength('lcm noise', x, noise);
  for (let i = 0; i < x.length; i++) x[i] = denoised[i]! + (sigmaNext > 0 ? sigmaNext * noise[i]! : 0);
  return x;
}

/**
 * DPM-Solver++(2M): a second-order multistep update in t = −log σ, using the previous step's
 * estimate (`previous`, null on the first step); the last step to σ = 0 lands on `denoised`.
 * `sigmaPrev` is the step before `sigma` (ignored when `previous` is null).
 */
export function dpmpp2mStep(x: Float32Array, denoised: ArrayLike<number>, previous: ArrayLike<number> | null, sigmaPrev: number, sigma: number, sigmaNext: number): Float32Array {
  sameLength('dpm++ 2m', x, denoised);
  if (sigmaNext === 0) {
    for (let i = 0; i < x.length; i++) x[i] = denoised[i]!;
    return x;
  }
  const { ratio, gain, a, b } = dpmpp2mCoefficients(sigmaPrev, sigma, sigmaNext);
  if (previous === null) {
    for (let i = 0; i < x.length; i++) x[i] = ratio * x[i]! + gain * denoised[i]!;
    return x;
  }
  sameLength('dpm++ 2m history', x, previous);
  for (let i = 0; i < x.length; i++) x[i] = ratio * x[i]! + gain * (a * denoised[i]! - b * previous[i]!);
  return x;
}

/**
 * DPM-Solver++(2M)'s factors for a step to σ_next > 0: x ← ratio·x + gain·denoised on the first
 * step, x ← ratio·x + gain·(a·denoised − b·previous) after it.
 */
export function dpmpp2mCoefficients(sigmaPrev: number, sigma: number, sigmaNext: number): { ratio: number; gain: number; a: number; b: number } {
  const h = Math.log(sigma) - Math.log(sigmaNext);
  const r = (Math.log(sigmaPrev) - Math.log(sigma)) / h;
  return { ratio: sigmaNext / sigma, gain: -Math.expm1(-h), a: 1 + 1 / (2 * r), b: 1 / (2 * r) };
}

/**
 * Euler ancestral for flow-matching models (x_σ = (1−σ)·x₀ + σ·noise): step to a smaller
 * σ_down = σ_next·(1 + (σ_next/σ − 1)·eta) along the straight path, then rescale and add fresh
 * noise so the result sits at σ_next again. eta 0 is plain Euler.
 */
export function eulerAncestralFlowStep(x: Float32Array, denoised: ArrayLike<number>, sigma: number, sigmaNext: number, noise: ArrayLike<number>, eta = 1): Float32Array {
  sameLength('euler ancestral (flow)', x, denoised);
  sameLength('euler ancestral (flow) noise', x, noise);
  const { rescale, ratio, renoise } = ancestralFlowCoefficients(sigma, sigmaNext, eta);
  for (let i = 0; i < x.length; i++) x[i] = rescale * (ratio * x[i]! + (1 - ratio) * denoised[i]!) + noise[i]! * renoise;
  return x;
}

/** The flow Euler ancestral step's factors: x ← rescale·(ratio·x + (1 − ratio)·denoised) + renoise·noise. */
export function ancestralFlowCoefficients(sigma: number, sigmaNext: number, eta = 1): { rescale: number; ratio: number; renoise: number } {
  const down = sigmaNext * (1 + (sigmaNext / sigma - 1) * eta);
  const alphaNext = 1 - sigmaNext;
  const alphaDown = 1 - down;
  const renoise = Math.sqrt(Math.max(0, sigmaNext * sigmaNext - (down * down * alphaNext * alphaNext) / (alphaDown * alphaDown)));
  return { rescale: alphaNext / alphaDown, ratio: down / sigma, renoise };
}
