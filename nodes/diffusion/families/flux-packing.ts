/**
 * Flux's token layout: 16-channel latents packed in 2×2 patches (diffusers' order: [C,h,w] →
 * [h/2, w/2, C, 2, 2] → [(h/2)(w/2), 4C], channel-major within a patch) and back, the position
 * ids (`img_ids` (0, patch row, patch column), `txt_ids` zeros) and their tensors as an export
 * declares them (rank 2 [N,3] or older rank 3 [B,N,3]; float or int).
 */
import ort from 'onnxruntime-node';
import type { SessionInfo } from '../../../engine/nodes/index.js';
import { floatInput, inputInfo } from './shared/tensors.js';

function checkPatchable(channels: number, height: number, width: number, length: number): void {
  if (height % 2 !== 0 || width % 2 !== 0) throw new RangeError(`Flux packs 2×2 patches: latent height and width must be even, got ${height}×${width}`);
  if (length !== channels * height * width) throw new RangeError(`${length} values for a [${channels}, ${height}, ${width}] latent`);
}

/**
 * One latent item [C,h,w] → packed tokens [(h/2)(w/2), 4C], diffusers' order: view
 * [C, h/2, 2, w/2, 2] → permute [h/2, w/2, C, 2, 2] → reshape.
 */
export function packLatents(latent: Float32Array, channels: number, height: number, width: number): Float32Array {
  checkPatchable(channels, height, width, latent.length);
  const rows = height / 2;
  const cols = width / 2;
  const features = channels * 4;
  const out = new Float32Array(latent.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const token = (i * cols + j) * features;
      for (let c = 0; c < channels; c++) {
        const plane = c * height * width;
        for (let di = 0; di < 2; di++) {
          const row = plane + (2 * i + di) * width + 2 * j;
          out[token + c * 4 + di * 2] = latent[row]!;
          out[token + c * 4 + di * 2 + 1] = latent[row + 1]!;
        }
      }
    }
  }
  return out;
}

/** The inverse of `packLatents`: [(h/2)(w/2), 4C] → [C,h,w]. */
export function unpackLatents(packed: ArrayLike<number>, channels: number, height: number, width: number): Float32Array {
  checkPatchable(channels, height, width, packed.length);
  const rows = height / 2;
  const cols = width / 2;
  const features = channels * 4;
  const out = new Float32Array(packed.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const token = (i * cols + j) * features;
      for (let c = 0; c < channels; c++) {
        const plane = c * height * width;
        for (let di = 0; di < 2; di++) {
          const row = plane + (2 * i + di) * width + 2 * j;
          out[row] = packed[token + c * 4 + di * 2]!;
          out[row + 1] = packed[token + c * 4 + di * 2 + 1]!;
        }
      }
    }
  }
  return out;
}

/** `img_ids` for a latent of `height`×`width` cells: per patch (0, row, column), row-major, [N*3]. */
export function fluxImageIds(height: number, width: number): Float32Array {
  const rows = height / 2;
  const cols = width / 2;
  const out = new Float32Array(rows * cols * 3);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const at = (i * cols + j) * 3;
      out[at + 1] = i;
      out[at + 2] = j;
    }
  }
  return out;
}

/** `txt_ids`: zeros, [S*3]. */
export function fluxTextIds(sequence: number): Float32Array {
  return new Float32Array(sequence * 3);
}

/**
 * Position ids as the session declares them: rank 2 [n,3] or rank 3 [batch,n,3] (repeated),
 * float32/float16 or int32/int64.
 */
export function positionsInput(info: SessionInfo, name: string, ids: Float32Array, count: number, batch: number): ort.Tensor {
  const meta = inputInfo(info, name);
  const rank3 = meta?.shape.length === 3;
  const dims = rank3 ? [batch, count, 3] : [count, 3];
  const data = rank3 ? new Float32Array(ids.length * batch) : ids;
  if (rank3) for (let b = 0; b < batch; b++) data.set(ids, b * ids.length);
  if (meta?.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(data, (v) => BigInt(Math.round(v))), dims);
  if (meta?.type === 'int32') return new ort.Tensor('int32', Int32Array.from(data, (v) => Math.round(v)), dims);
  return floatInput(info, name, data, dims);
}
