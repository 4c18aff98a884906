/**
 * The live-event hub: one place where any part of the server announces something every live
 * client should hear (log lines, model loads and evictions, settings changes), without knowing
 * which transports exist. Transports (socket.io here; others may join) register a sink; a
 * broadcast reaches every sink. Run events do not come through here — each transport follows
 * the queue itself, since those go to a run's subscribers only.
 *
 * Event names are `<topic>` or `<topic>:<what>` (`log`, `model:loaded`, `model:evicted`);
 * payloads must be JSON-safe (Buffers are allowed for binary data).
 */
import type { Logger } from '../../nodes/context.js';

export type LiveSink = (event: string, payload: unknown) => void;

export interface LiveHub {
  /** Sends `payload` as `event` to every connected live client of every transport. */
  broadcast(event: string, payload: unknown): void;
  /** Registers a transport; answers a function that removes it. */
  addSink(sink: LiveSink): () => void;
}

export function createLiveHub(log: Logger): LiveHub {
  const sinks = new Set<LiveSink>();
  return {
    broadcast(event, payload) {
      for (const sink of sinks) {
        try {
          sink(event, payload);
        } catch (error) {
          log.error({ err: error, event }, 'a live transport failed to send a broadcast');
        }
      }
    },
    addSink(sink) {
      sinks.add(sink);
      return () => {
        sinks.delete(sink);
      };
    },
  };
}
