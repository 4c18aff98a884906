/**
 * Noise levels for flow-matching models (SD3, Flux), for every scheduler name, steps + 1
 * values ending in 0, all on the shifted time σ = shift·t / (1 + (shift − 1)·t) (Flux's dynamic
 * shifting is the same with shift = e^mu):
 * - normal — t from 1 to 0 in `steps` equal parts (diffusers' FlowMatchEuler);
 * - simple — every (1000/steps)-th entry of a 1000-step table from the top (ComfyUI's rule);
 * - sgm_uniform — t evenly from 1 towards 1/1000, the last point excluded;
 * - karras — ρ 7 spacing between the model's smallest sigma, shift(1/1000), and 1.
 */
import { flowMatchingSigmas, karrasSigmas } from './sigmas.js';
import type { SchedulerName } from '../model/types.js';

/** Training timesteps of the flow table. */
const TABLE = 1000;

/** The flow-matching time shift. */
export function flowShift(t: number, shift: number): number {
  return (shift * t) / (1 + (shift - 1) * t);
}

export function flowSigmas(scheduler: SchedulerName, steps: number, shift: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${String(steps)}`);
  if (!(shift > 0)) throw new RangeError(`shift must be positive, got ${String(shift)}`);
  const out: number[] = [];
  switch (scheduler) {
    case 'simple':
      for (let i = 0; i < steps; i++) out.push(flowShift((TABLE - Math.floor((i * TABLE) / steps)) / TABLE, shift));
      break;
    case 'sgm_uniform':
      for (let i = 0; i < steps; i++) out.push(flowShift(1 - (i * (1 - 1 / TABLE)) / steps, shift));
      break;
    case 'karras':
      return karrasSigmas(flowShift(1 / TABLE, shift), 1, steps);
    default:
      return flowMatchingSigmas(steps, shift);
  }
  out.push(0);
  return out;
}
