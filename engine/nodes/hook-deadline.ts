/**
 * A deadline for a pack's own hooks that the engine waits for outside a run: a computed combo's
 * options and a node's `validate()`. A hook that never answers (a hung network share, a bug in a
 * community pack) must not hold a validation — and with it `POST /prompt` or `switchyard run` —
 * or the node list the editor loads, forever. Past the deadline the caller reports the hook as
 * failed and goes on; the hook's promise is left to settle on its own.
 */

/** Default: 10 s; `SWITCHYARD_HOOK_TIMEOUT_MS` overrides it for the process. */
export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

/** The longest deadline a timer can hold (about 24.8 days); a longer one would fire at once. */
export const MAX_HOOK_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The deadline to use: `given` when it is a positive number, else the environment's, else the
 * default; at most MAX_HOOK_TIMEOUT_MS (a larger value, meant as "no deadline", is that).
 */
export function hookTimeoutMs(given?: number): number {
  const chosen = given !== undefined && Number.isFinite(given) && given > 0 ? given : Number(process.env.SWITCHYARD_HOOK_TIMEOUT_MS);
  if (!(chosen > 0)) return DEFAULT_HOOK_TIMEOUT_MS;
  return Math.min(chosen, MAX_HOOK_TIMEOUT_MS);
}

export type WithinDeadline<T> = { settled: true; value: T } | { settled: false };

/**
 * `work`'s value when it settles within `ms`, or `{ settled: false }` at the deadline. A rejection
 * within the deadline rejects. The timer is cleared as soon as `work` settles.
 */
export function settleWithin<T>(work: PromiseLike<T>, ms: number): Promise<WithinDeadline<T>> {
  return new Promise<WithinDeadline<T>>((resolve, reject) => {
    const timer = setTimeout(() => resolve({ settled: false }), ms);
    Promise.resolve(work).then(
      (value) => {
        clearTimeout(timer);
        resolve({ settled: true, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** "10 s", "1.5 s" or "250 ms", for messages. */
export function formatDeadline(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}
