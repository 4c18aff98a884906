/**
 * Waiting for one run to finish, for routes that answer synchronously. The watch is set up
 * before the run is submitted (with a client-chosen id), so a run that finishes at once is not
 * missed. The wait ends when the run finishes, when the time is up (the run goes on: the client
 * can poll it), or when the client disconnects (the run goes on too).
 */
import type { RunQueue, RunRecord } from '../../queue/types.js';

export type WaitOutcome = { kind: 'finished'; record: RunRecord } | { kind: 'timeout' } | { kind: 'disconnected' };

export interface RunWatch {
  wait(timeoutMs: number, signal: AbortSignal): Promise<WaitOutcome>;
  /** Stops listening (always call it, in a finally). */
  dispose(): void;
}

export function watchRun(queue: RunQueue, id: string): RunWatch {
  let settle!: (record: RunRecord) => void;
  const finished = new Promise<RunRecord>((resolve) => {
    settle = resolve;
  });
  const off = queue.on('finished', (record) => {
    if (record.id === id) settle(record);
  });
  return {
    async wait(timeoutMs, signal) {
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      try {
        return await Promise.race<WaitOutcome>([
          finished.then((record) => ({ kind: 'finished', record })),
          new Promise<WaitOutcome>((resolve) => {
            timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
          }),
          new Promise<WaitOutcome>((resolve) => {
            onAbort = () => resolve({ kind: 'disconnected' });
            if (signal.aborted) onAbort();
            else signal.addEventListener('abort', onAbort, { once: true });
          }),
        ]);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal.removeEventListener('abort', onAbort);
      }
    },
    dispose: off,
  };
}
