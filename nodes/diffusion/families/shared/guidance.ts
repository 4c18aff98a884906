/**
 * From a network's raw batch output to the sampler's clean estimate, in one pass: the raw
 * predictions of [negative, positive] mixed by classifier-free guidance, p = u + cfg·(c − u)
 * (or the single prediction), then the family's affine conversion a·x + b·p — ε-prediction and
 * flow velocity: a = 1, b = −σ; v-prediction: a = 1/(σ²+1), b = −σ/√(σ²+1). Mixing before
 * converting is exact because the conversion is affine in p with the same x.
 */

/** The cfg mix of `raw` ([batch, size], batch 1 or 2) into a new array. */
export function mixPredictions(raw: Float32Array, size: number, batch: number, cfg: number): Float32Array {
  if (raw.length !== size * batch) throw new RangeError(`${raw.length} predicted values for a batch of ${batch} × ${size}`);
  if (batch === 1) return raw.slice(0, size);
  if (batch !== 2) throw new RangeError(`guidance mixes a batch of 1 or 2, got ${batch}`);
  const out = new Float32Array(size);
  for (let i = 0, j = size; i < size; i++, j++) {
    const u = raw[i]!;
    out[i] = u + cfg * (raw[j]! - u);
  }
  return out;
}

/** a·x + b·(cfg-mixed `raw`), into a new array. */
export function cleanEstimate(x: Float32Array, raw: Float32Array, batch: number, cfg: number, a: number, b: number): Float32Array {
  const size = x.length;
  if (raw.length !== size * batch) throw new RangeError(`${raw.length} predicted values for a batch of ${batch} × ${size}`);
  const out = new Float32Array(size);
  if (batch === 1) {
    for (let i = 0; i < size; i++) out[i] = a * x[i]! + b * raw[i]!;
  } else if (batch === 2) {
    for (let i = 0, j = size; i < size; i++, j++) {
      const u = raw[i]!;
      out[i] = a * x[i]! + b * (u + cfg * (raw[j]! - u));
    }
  } else {
    throw new RangeError(`guidance mixes a batch of 1 or 2, got ${batch}`);
  }
  return out;
}
