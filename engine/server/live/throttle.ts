/**
 * Per-key "latest wins" throttling for live events: the first value for a key goes out at
 * once; values arriving within `intervalMs` of the last one sent replace each other, and the
 * newest goes out when the interval is over. So a node that reports thousands of progress
 * steps or previews a second costs its subscribers at most one message per interval, and the
 * last state is not lost. Timers are unref'd: a throttle never keeps the process alive.
 */

export interface KeyedThrottle<T> {
  offer(key: string, value: T): void;
  /** Sends the key's waiting value now (if any) and forgets the key. */
  flush(key: string): void;
  /** Forgets the key and its waiting value. */
  drop(key: string): void;
  /** Forgets every key whose name starts with `prefix` (e.g. all nodes of one run). */
  dropPrefix(prefix: string): void;
  /** Forgets everything and stops every timer. */
  dispose(): void;
}

interface KeyState<T> {
  lastSentAt: number;
  waiting?: { value: T };
  timer?: NodeJS.Timeout;
}

export function keyedThrottle<T>(intervalMs: number, deliver: (key: string, value: T) => void): KeyedThrottle<T> {
  const states = new Map<string, KeyState<T>>();

  const send = (key: string, state: KeyState<T>, value: T) => {
    state.lastSentAt = Date.now();
    deliver(key, value);
  };

  const forget = (key: string, state: KeyState<T>) => {
    if (state.timer !== undefined) clearTimeout(state.timer);
    states.delete(key);
  };

  return {
    offer(key, value) {
      const now = Date.now();
      const state = states.get(key);
      if (state === undefined) {
        const fresh: KeyState<T> = { lastSentAt: now };
        states.set(key, fresh);
        send(key, fresh, value);
        return;
      }
      if (state.timer === undefined && now - state.lastSentAt >= intervalMs) {
        send(key, state, value);
        return;
      }
      state.waiting = { value };
      if (state.timer === undefined) {
        state.timer = setTimeout(() => {
          state.timer = undefined;
          const waiting = state.waiting;
          state.waiting = undefined;
          if (waiting !== undefined && states.get(key) === state) send(key, state, waiting.value);
        }, Math.max(0, intervalMs - (now - state.lastSentAt)));
        state.timer.unref();
      }
    },
    flush(key) {
      const state = states.get(key);
      if (state === undefined) return;
      forget(key, state);
      if (state.waiting !== undefined) deliver(key, state.waiting.value);
    },
    drop(key) {
      const state = states.get(key);
      if (state !== undefined) forget(key, state);
    },
    dropPrefix(prefix) {
      for (const [key, state] of states) if (key.startsWith(prefix)) forget(key, state);
    },
    dispose() {
      for (const [key, state] of states) forget(key, state);
    },
  };
}
