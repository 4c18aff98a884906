/**
 * What the canvas shows about a node beyond its definition: its state in the current run
 * (queued, running with progress, cached, done with its time, failed with the message), the
 * images and texts it produced, and the validation problems the server found before the run.
 */

export type RunStatus = 'idle' | 'queued' | 'running' | 'cached' | 'done' | 'error';

export interface ValidationMark {
  message: string;
  /** The input the problem is about, when it is about one. */
  input?: string;
}

export interface NodeRunState {
  status: RunStatus;
  /** 0..1 while running with known progress. */
  progress?: number;
  durationMs?: number;
  /** The run-time error message of a failed node. */
  error?: string;
  /** Output (or live preview) images, decoded. */
  images: ImageBitmap[];
  /** Whether `images` are live previews (replaced by the outputs when the node finishes). */
  preview: boolean;
  texts: string[];
  validation: ValidationMark[];
  /** The node's size before live previews grew it (given back when no output image follows). */
  sizeBeforePreview?: [number, number];
}

export function emptyRunState(): NodeRunState {
  return { status: 'idle', images: [], preview: false, texts: [], validation: [] };
}

/** Forget the previous run (images are released), keep nothing. */
export function resetRunState(state: NodeRunState): void {
  for (const image of state.images) image.close();
  Object.assign(state, emptyRunState());
}

export function setImages(state: NodeRunState, images: ImageBitmap[], preview: boolean): void {
  for (const image of state.images) if (!images.includes(image)) image.close();
  state.images = images;
  state.preview = preview;
}

/** "12 ms", "3.40 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}
