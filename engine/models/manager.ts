/**
 * The model manager's core: loaded models kept in an LRU bounded by a memory budget (bytes)
 * and a count (the older API's MAX_LOADED_MODELS), unloaded after an idle time (MODEL_TIMEOUT),
 * with one load per model however many callers ask at once (single-flight), and never evicted
 * while a caller holds it. Explicit unload of one or all; events for load, evict and unload with
 * durations and sizes. What a "model" is (a set of onnxruntime sessions) is the loader's
 * business: the manager holds values with a size and a `release`.
 *
 * A class, because it has a real lifecycle (timers, held resources, close).
 */
import { SwitchyardError, toSwitchyardError } from '../errors.js';
import type { Logger } from '../nodes/context.js';

import type { LoadedModel, ModelsHandle } from '../nodes/context.js';
import { resolveSessionOptions } from './providers.js';
import type { ResolvedSessionOptions } from './session.js';

export type { LoadedModel } from '../nodes/context.js';

export type ModelLoader<T> = (id: string) => Promise<LoadedModel<T>>;

export type EvictReason = 'memory' | 'count' | 'idle';

export type ModelEvent =
  | { type: 'model_loaded'; id: string; bytes: number; durationMs: number }
  | { type: 'model_load_failed'; id: string; code: string; message: string }
  | { type: 'model_evicted'; id: string; bytes: number; reason: EvictReason }
  | { type: 'model_unloaded'; id: string; bytes: number };

export interface ModelManagerOptions {
  /** Bytes the loaded models may hold together (null: no byte limit). */
  memoryBudgetBytes?: number | null;
  /** Most models loaded at once (null: no count limit). */
  maxLoaded?: number | null;
  /** Unload a model unused this long (0 or null: never). */
  idleMs?: number | null;
  log: Logger;
}

/** A caller's hold on a loaded model: it is not evicted until every lease is released. */
export interface ModelLease<T> {
  readonly id: string;
  readonly value: T;
  release(): void;
}

export interface LoadedModelInfo {
  id: string;
  bytes: number;
  /** Leases held now. */
  inUse: number;
  loadedAt: number;
  lastUsedAt: number;
  /** An unload was asked while in use: it happens at the last release. */
  unloadPending: boolean;
}

interface Entry<T> {
  id: string;
  loaded: LoadedModel<T>;
  inUse: number;
  loadedAt: number;
  lastUsedAt: number;
  unloadPending: boolean;
  idleTimer?: NodeJS.Timeout;
}

export class ModelManager<T> {
  private readonly entries = new Map<string, Entry<T>>(); // insertion order = recency (oldest first)
  private readonly loading = new Map<string, Promise<Entry<T>>>();
  private readonly listeners = new Set<(event: ModelEvent) => void>();
  private closed = false;

  constructor(private readonly options: ModelManagerOptions) {}

  /** Follows load, evict and unload events; answers a function that stops following. */
  on(listener: (event: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The limits in force (null: none). */
  get limits(): { memoryBudgetBytes: number | null; maxLoaded: number | null; idleMs: number | null } {
    return { memoryBudgetBytes: this.options.memoryBudgetBytes ?? null, maxLoaded: this.options.maxLoaded ?? null, idleMs: this.options.idleMs ?? null };
  }

  get loadedBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.loaded.bytes;
    return total;
  }

  list(): LoadedModelInfo[] {
    return [...this.entries.values()].map((e) => ({ id: e.id, bytes: e.loaded.bytes, inUse: e.inUse, loadedAt: e.loadedAt, lastUsedAt: e.lastUsedAt, unloadPending: e.unloadPending }));
  }

  isLoaded(id: string): boolean {
    return this.entries.has(id);
  }

  /** The model, loaded once however many callers ask at the same time; hold the lease while using it. */
  async acquire(id: string, loader: ModelLoader<T>): Promise<ModelLease<T>> {
    if (this.closed) throw new SwitchyardError('unavailable', `cannot load model ${id}: the model manager is closed`, { model: id });
    for (;;) {
      let entry = this.entries.get(id);
      if (!entry) {
        let flight = this.loading.get(id);
        if (!flight) {
          flight = this.load(id, loader).finally(() => this.loading.delete(id));
          this.loading.set(id, flight);
        }
        entry = await flight;
      }
      // Evicted between its load and this caller's turn (another load needed the room): load again.
      if (this.entries.get(id) === entry) return this.lease(entry);
    }
  }

  /** Runs `fn` with the model held, releasing it afterwards whatever happens. */
  async use<R>(id: string, loader: ModelLoader<T>, fn: (value: T) => Promise<R> | R): Promise<R> {
    const lease = await this.acquire(id, loader);
    try {
      return await fn(lease.value);
    } finally {
      lease.release();
    }
  }

  /** Unloads one model now, or at its last release when in use. Answers what happened. */
  async unload(id: string): Promise<'unloaded' | 'pending' | 'not_loaded'> {
    const entry = this.entries.get(id);
    if (!entry) return 'not_loaded';
    if (entry.inUse > 0) {
      entry.unloadPending = true;
      return 'pending';
    }
    await this.drop(entry, { type: 'model_unloaded', id, bytes: entry.loaded.bytes });
    return 'unloaded';
  }

  /** Unloads every model not in use now; the ones in use follow at their last release. */
  async unloadAll(): Promise<{ unloaded: string[]; pending: string[] }> {
    const unloaded: string[] = [];
    const pending: string[] = [];
    for (const id of [...this.entries.keys()]) {
      const outcome = await this.unload(id);
      if (outcome === 'unloaded') unloaded.push(id);
      else if (outcome === 'pending') pending.push(id);
    }
    return { unloaded, pending };
  }

  /** Releases everything (leases still held keep their values until they end; nothing new loads). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.loading.values()]);
    await Promise.allSettled([...this.entries.values()].map((entry) => this.drop(entry, { type: 'model_unloaded', id: entry.id, bytes: entry.loaded.bytes })));
  }

  private emit(event: ModelEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.error({ err: error, event: event.type }, 'a model event listener failed');
      }
    }
  }

  private async load(id: string, loader: ModelLoader<T>): Promise<Entry<T>> {
    const started = performance.now();
    let loaded: LoadedModel<T>;
    try {
      loaded = await loader(id);
    } catch (error) {
      const failure = toSwitchyardError(error);
      this.emit({ type: 'model_load_failed', id, code: failure.code, message: failure.message });
      throw failure;
    }
    if (this.closed) {
      await loaded.release().catch(() => undefined);
      throw new SwitchyardError('unavailable', `model ${id} loaded after the model manager closed; released`, { model: id });
    }
    const now = Date.now();
    const entry: Entry<T> = { id, loaded, inUse: 0, loadedAt: now, lastUsedAt: now, unloadPending: false };
    this.entries.set(id, entry);
    this.emit({ type: 'model_loaded', id, bytes: loaded.bytes, durationMs: performance.now() - started });
    await this.enforceLimits(entry);
    return entry;
  }

  private lease(entry: Entry<T>): ModelLease<T> {
    entry.inUse += 1;
    entry.lastUsedAt = Date.now();
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    // Most recently used: to the end of the recency order.
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
    let released = false;
    return {
      id: entry.id,
      value: entry.loaded.value,
      release: () => {
        if (released) return;
        released = true;
        entry.inUse -= 1;
        entry.lastUsedAt = Date.now();
        if (entry.inUse > 0 || this.entries.get(entry.id) !== entry) return;
        if (entry.unloadPending) {
          void this.drop(entry, { type: 'model_unloaded', id: entry.id, bytes: entry.loaded.bytes });
          return;
        }
        this.scheduleIdle(entry);
        // Limits that could not be met while it was held may be met now.
        void this.enforceLimits();
      },
    };
  }

  private scheduleIdle(entry: Entry<T>): void {
    const idleMs = this.options.idleMs;
    if (!idleMs || idleMs <= 0) return;
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = undefined;
      if (entry.inUse === 0 && this.entries.get(entry.id) === entry) {
        void this.drop(entry, { type: 'model_evicted', id: entry.id, bytes: entry.loaded.bytes, reason: 'idle' });
      }
    }, idleMs);
    entry.idleTimer.unref();
  }

  /** Evicts least recently used models not in use until the budget and count hold (or only held ones remain). */
  private async enforceLimits(keep?: Entry<T>): Promise<void> {
    const budget = this.options.memoryBudgetBytes;
    const maxLoaded = this.options.maxLoaded;
    const over = (): EvictReason | undefined => {
      if (maxLoaded != null && this.entries.size > maxLoaded) return 'count';
      if (budget != null && this.loadedBytes > budget) return 'memory';
      return undefined;
    };
    for (let reason = over(); reason !== undefined; reason = over()) {
      const victim = [...this.entries.values()].find((entry) => entry.inUse === 0 && entry !== keep);
      if (!victim) {
        this.options.log.warn({ loadedBytes: this.loadedBytes, budget, count: this.entries.size, maxLoaded }, 'models in use exceed the model limits; the oldest is unloaded once it is released');
        return;
      }
      await this.drop(victim, { type: 'model_evicted', id: victim.id, bytes: victim.loaded.bytes, reason });
    }
  }

  private async drop(entry: Entry<T>, event: ModelEvent): Promise<void> {
    if (this.entries.get(entry.id) !== entry) return;
    this.entries.delete(entry.id);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    try {
      await entry.loaded.release();
    } catch (error) {
      this.options.log.error({ err: error, model: entry.id }, 'releasing a model failed');
    }
    this.emit(event);
  }
}

/** The handle nodes get (`ctx.models`) over one manager, with the options its sessions open with (default: `resolveSessionOptions()`). */
export function modelsHandle(manager: ModelManager<unknown>, sessionOptions: ResolvedSessionOptions = resolveSessionOptions()): ModelsHandle {
  return {
    available: true,
    sessionOptions,
    use: <T, R>(id: string, loader: (id: string) => Promise<LoadedModel<T>>, fn: (value: T) => Promise<R> | R) =>
      manager.use(id, loader as (id: string) => Promise<LoadedModel<unknown>>, (value) => fn(value as T)),
  };
}
