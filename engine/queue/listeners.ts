/**
 * Typed listener sets for the queue's events. A listener that throws is logged and skipped:
 * one bad subscriber (a closed socket) must never stop a run or the other subscribers.
 */
import type { Logger } from '../nodes/context.js';

export interface Listeners<E extends { [K in keyof E]: (payload: never) => void }> {
  on<K extends keyof E>(name: K, listener: E[K]): () => void;
  emit<K extends keyof E>(name: K, payload: Parameters<E[K]>[0]): void;
  has(name: keyof E): boolean;
}

export function createListeners<E extends { [K in keyof E]: (payload: never) => void }>(log: Logger): Listeners<E> {
  const sets = new Map<keyof E, Set<(payload: unknown) => void>>();
  return {
    on(name, listener) {
      let set = sets.get(name);
      if (!set) sets.set(name, (set = new Set()));
      const entry = listener as unknown as (payload: unknown) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
    emit(name, payload) {
      const set = sets.get(name);
      if (!set) return;
      for (const listener of [...set]) {
        try {
          listener(payload);
        } catch (error) {
          log.error({ err: error, event: String(name) }, 'a queue event listener threw; ignored');
        }
      }
    },
    has(name) {
      return (sets.get(name)?.size ?? 0) > 0;
    },
  };
}
