/**
 * One run of a workflow: the loop that starts ready nodes (up to the concurrency limit), keys
 * each node when its inputs are available, takes results from the cache or runs the node,
 * checks what it returned, and reports everything as events.
 *
 * Hot path: a trivial synchronous node whose inputs are ready runs inside the pump loop with no
 * promise, microtask or closure beyond its context; asynchronous work (a node returning a
 * promise, an async fingerprint, lazy inputs, waiting for another node computing the same key)
 * takes the slower paths (places.ts keeps waiting nodes from holding places meanwhile). The loop
 * gives the event loop a turn once it has run synchronous code for YIELD_AFTER_MS, so an
 * interruption (a SIGINT handler, a timer, a socket) lands between long synchronous nodes.
 *
 * Memory: a node's output values are held only while a node that may still run in this run
 * reads them (schedule/readers.ts); the cache keeps what fits its own byte budget.
 */
import { ContentKeyBuilder, lazyResultKey, type KeyedType, type RequestedLazyInput } from '../cache/content-key.js';
import { estimateEntryBytes } from '../cache/entry-size.js';
import { digestWord, type Digest128 } from '../cache/hash.js';
import type { CacheEntry, NodeCache } from '../cache/output-cache.js';
import { digestValue } from '../cache/value-hash.js';
import { SwitchyardError } from '../errors.js';
import type { ApiWorkflow } from '../graph/api-format.js';
import type { DataTypeInfo } from '../nodes/data-types.js';
import type { Folders, Logger, ModelsHandle, RunWorkflowInfo } from '../nodes/context.js';
import type { ImageValue, UiResult } from '../nodes/values.js';
import { Arena } from '../schedule/arena.js';
import { inputName, NodeFlag, outputTypesOf, type CompiledGraph } from '../schedule/graph.js';
import { countReaders, readersMemory } from '../schedule/readers.js';
import { NodeState, Schedule } from '../schedule/schedule.js';
import { readNodeResult } from './check-outputs.js';
import type { RunEvent } from './events.js';
import type { Flight, FlightTable } from './flights.js';
import { createNodeContext, interruptedError, type NodeContextHost } from './node-context.js';
import { newPlaceHolder, Places, type PlaceHolder } from './places.js';
import { toNodeRunError } from './node-errors.js';
import type { NodeRunError, RunOptions, RunResult, RunStatus } from './types.js';

/** What all runs of one executor share. */
export interface RunShared {
  readonly cache: NodeCache;
  readonly folders: Folders;
  readonly log: Logger;
  readonly models: ModelsHandle;
  readonly concurrency: number;
  readonly flights: FlightTable;
  readonly dataType: (name: string) => DataTypeInfo | undefined;
}

/** Bookkeeping of a node that may wait while it runs (lazy inputs, a shared result). */
interface Job extends PlaceHolder {
  /** Lazy links by input index, and those the node asked for (as positions in the graph's input arrays). */
  lazyLinks?: Map<number, () => Promise<unknown>>;
  requested?: number[];
  baseKey?: Digest128;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** Marks a run's result key as "compute from the lazy inputs the node asked for". */
const LAZY_KEY = 'lazy';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Longest stretch of synchronous node code before the loop yields to the event loop. Short
 * enough for Ctrl+C to feel immediate between nodes, long enough that a chain of trivial nodes
 * yields only every few thousand nodes.
 */
const YIELD_AFTER_MS = 5;
/**
 * Node starts between clock readings of their own. Executed nodes read the clock as they finish;
 * this bounds the stretch of nodes that finish without running code (cache hits, each cheap).
 */
const CLOCK_EVERY = 64;

const NO_READERS = new Int32Array(0);

/** What the shared key builder starts from; `reset` sets the real type before each key. */
const NO_KEYED_TYPE: KeyedType = Object.freeze({ type: '', version: 0, inputNames: [] });

/** Errors given to a node asking for a lazy input whose upstream failed: its own skip, not its error. */
const upstreamUnavailable = new WeakSet<object>();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

export class Run implements NodeContextHost {
  readonly runId: string;
  readonly folders: Folders;
  readonly models: ModelsHandle;
  readonly workflow: RunWorkflowInfo;

  private readonly graph: CompiledGraph;
  /** The graph's node ids and types (read for every node). */
  private readonly ids: readonly string[];
  private readonly types: CompiledGraph['types'];
  private readonly schedule: Schedule;
  private readonly cache: NodeCache;
  private readonly onEvent: ((event: RunEvent) => void) | undefined;
  // The signal and the run's logger are made on first use: most runs of trivial nodes use
  // neither, and an AbortController or a pino child cost more than a short run's nodes.
  private controller: AbortController | undefined = undefined;
  /** Set when the run is interrupted (a controller made later starts aborted with it). */
  private abortedWith: { reason: unknown } | undefined = undefined;
  private logger: Logger | undefined = undefined;
  private readonly external: AbortSignal | undefined;

  // Per-node state, indexed by node position. Everything a run holds per node lives as long as
  // the run, so it is kept in flat arrays, and the arrays only some runs need (nodes that wait,
  // `cache: false` nodes, shared flights) are made on first use.
  /** Content key per node (undefined for nodes keyed by their output values). */
  private readonly keys: (Digest128 | undefined)[];
  /**
   * The words of each key in `keys` (four per node, see Hash128.digestInto): a node mixes its
   * upstream keys from here, a compact array, instead of reading each upstream's key string
   * (made long before in a long run, and far from anything else the node touches).
   */
  private readonly keyWords: Int32Array;
  /** Per-output value digests of nodes without a key (`cache: false`); made on first use. */
  private digests: (Digest128[] | undefined)[] | undefined = undefined;
  /** Output values of finished nodes, held while `readers` says a node may still read them. */
  private readonly values: (readonly unknown[] | undefined)[];
  /** Per node: links from nodes that may still run and read its values (see schedule/readers.ts). */
  private readers: Int32Array = NO_READERS;
  /** 1 once a node is done, failed or skipped and no longer counts as a reader. */
  private readonly settled: Uint8Array;
  private readonly inputsOf: (Record<string, unknown> | undefined)[];
  /** Made on first use, as the three below. */
  private jobs: (Job | undefined)[] | undefined = undefined;
  private waiters: (Waiter[] | undefined)[] | undefined = undefined;
  private led: (Flight | undefined)[] | undefined = undefined;
  /** The last type whose output types were looked up, and those (neighbours often share a type). */
  private lastOutputType: CompiledGraph['types'][number] | undefined = undefined;
  private lastOutputTypes: readonly string[] = [];
  private readonly places: Places;
  /** Reused to key nodes without a fingerprint (see execute). */
  private readonly keyBuilder: ContentKeyBuilder;

  private pumping = false;
  private finished = false;
  /** When the loop last gave the event loop a turn (performance.now()). */
  private lastYield = 0;
  /**
   * The latest clock reading: taken when an executed node finishes (its duration needs it
   * anyway) and every CLOCK_EVERY node starts, so the hot loop reads no clock of its own.
   */
  private clock = 0;
  private startsSinceClock = 0;
  /** Set while the loop waits for its turn to come back (setImmediate). */
  private yielded: ReturnType<typeof setImmediate> | undefined = undefined;
  private pendingCached: string[] = [];
  private startedAt = 0;
  private startedClock = 0;
  private resolveResult!: (result: RunResult) => void;

  // Executed and cached nodes (in the order they finished) and the durations of executed ones
  // are kept by node position while the run goes; the id lists and the timings object are made
  // once, at the end (`finalLists`). Filling an object keyed by node id while nodes finish in
  // scheduling order (not id order) turned its integer-keyed store into a slow dictionary.
  private readonly executedOrder: Int32Array;
  private executedCount = 0;
  private readonly cachedOrder: Int32Array;
  private cachedCount = 0;
  /** Where the per-node typed arrays come from (the reader counts are taken from it in `start`). */
  private readonly memory: Arena;
  /** Milliseconds per executed node, by position. */
  private readonly durations: Float64Array;
  /** Scratch for `timingsOf`: 1 for the executed nodes. */
  private readonly executedFlags: Uint8Array;
  private lists: { executed: string[]; cached: string[]; timings: Record<string, number> } | undefined = undefined;
  private readonly skipped: string[] = [];
  private readonly errors: NodeRunError[] = [];
  private readonly outputs: Record<string, UiResult> = {};

  constructor(
    private readonly shared: RunShared,
    graph: CompiledGraph,
    workflow: ApiWorkflow,
    options: RunOptions,
    runId: string,
  ) {
    this.runId = runId;
    this.external = options.signal;
    this.folders = shared.folders;
    this.models = shared.models;
    this.workflow = options.workflowInfo ?? { prompt: workflow.nodes };
    this.cache = shared.cache;
    this.places = new Places(shared.concurrency, () => {
      if (!this.pumping) this.pump();
    });
    this.onEvent = options.onEvent;
    this.graph = graph;
    this.ids = graph.ids;
    this.types = graph.types;
    this.keyBuilder = new ContentKeyBuilder(NO_KEYED_TYPE);
    const count = graph.ids.length;
    this.keys = new Array(count);
    // The per-node typed arrays of the run, its schedule and its reader counts as views of one
    // buffer (see schedule/arena.ts).
    const scheduleMemory = Schedule.memory(count);
    const readers = readersMemory(count);
    const memory = new Arena(count, count * 6 + scheduleMemory.int32 + readers.int32, count * 2 + scheduleMemory.uint8 + readers.uint8);
    this.memory = memory;
    this.schedule = new Schedule(graph, memory);
    this.durations = memory.float64(count);
    this.keyWords = memory.int32(count * 4);
    this.executedOrder = memory.int32(count);
    this.cachedOrder = memory.int32(count);
    this.settled = memory.uint8(count);
    this.executedFlags = memory.uint8(count);
    this.values = new Array(count);
    this.inputsOf = new Array(count);
  }

  /** Aborted when the run is interrupted; nodes see it as `ctx.signal`. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortedWith !== undefined) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  /** The run's logger (bound to its id). */
  get log(): Logger {
    this.logger ??= this.shared.log.child({ runId: this.runId });
    return this.logger;
  }

  /** Runs `targets` and what they need; resolves when the run is over (never rejects). */
  start(targets: readonly number[]): Promise<RunResult> {
    this.startedAt = Date.now();
    this.startedClock = performance.now();
    this.lastYield = this.startedClock;
    this.clock = this.startedClock;
    const result = new Promise<RunResult>((resolve) => {
      this.resolveResult = resolve;
    });
    this.schedule.activate(targets);
    this.readers = countReaders(this.graph, targets, this.memory);
    if (this.onEvent !== undefined) {
      const planned: string[] = [];
      for (let i = 0; i < this.ids.length; i++) if (this.schedule.state[i] !== NodeState.inactive) planned.push(this.ids[i]!);
      this.emit({ type: 'run_started', runId: this.runId, nodes: planned });
    }
    if (this.external?.aborted) {
      this.interrupt();
      return result;
    }
    this.external?.addEventListener('abort', this.onAbort, { once: true });
    this.pump();
    return result;
  }

  // ---- the loop ---------------------------------------------------------------------------

  private pump(): void {
    // While yielded, the scheduled turn resumes the loop (a promise callback must not jump the queue).
    if (this.pumping || this.finished || this.yielded !== undefined) return;
    this.pumping = true;
    try {
      while (!this.finished && this.places.hasFree()) {
        if (this.places.resumeNext()) continue;
        if (!this.schedule.hasReady()) break;
        if (++this.startsSinceClock === CLOCK_EVERY) {
          this.startsSinceClock = 0;
          this.clock = performance.now();
        }
        if (this.clock - this.lastYield > YIELD_AFTER_MS) {
          this.yielded = setImmediate(this.resume);
          break;
        }
        this.startNode(this.schedule.takeReady());
      }
    } finally {
      this.pumping = false;
    }
    if (this.finished) return;
    this.flushCached();
    if (this.yielded === undefined && this.places.isIdle() && !this.schedule.hasReady()) this.finish();
  }

  /** The event loop had its turn (an abort may have landed meanwhile: pump then does nothing). */
  private readonly resume = (): void => {
    this.yielded = undefined;
    this.lastYield = performance.now();
    this.clock = this.lastYield;
    this.pump();
  };

  private startNode(index: number): void {
    this.places.take();
    let pending: Promise<void> | undefined;
    try {
      pending = this.execute(index);
    } catch (error) {
      this.nodeFailed(index, error);
      this.release(index);
      return;
    }
    if (pending === undefined) {
      this.release(index);
      return;
    }
    this.releaseWhenSettled(pending, index);
  }

  // Continuations (`.then` callbacks) live in methods of their own, away from the hot methods:
  // a closure inside startNode, execute or runFresh would make every call allocate a scope for
  // what it captures, even on the synchronous path that never creates the closure.

  private releaseWhenSettled(pending: Promise<void>, index: number): void {
    pending.then(
      () => this.release(index),
      (error: unknown) => {
        this.nodeFailed(index, error);
        this.release(index);
      },
    );
  }

  /** The node's work is over: its place is free for the next one. */
  private release(index: number): void {
    this.places.release(this.jobs === undefined ? undefined : this.jobs[index]);
    if (!this.pumping) this.pump();
  }

  // ---- one node ---------------------------------------------------------------------------

  /** Keys the node, then completes it from the cache or runs it. Returns a promise only when it has to wait. */
  private execute(index: number): Promise<void> | undefined {
    const type = this.types[index]!;
    // Without a fingerprint the key is finished (or dropped) before anything else runs, so one
    // builder serves every such node; a fingerprint may be awaited, so that key gets its own.
    const builder = type.fingerprint === undefined ? this.keyBuilder.reset(type) : new ContentKeyBuilder(type);
    const { inputStart, inputIndex, inputSource, inputOutput, inputLazy, inputValue } = this.graph;
    const end = inputStart[index + 1]!;
    for (let at = inputStart[index]!; at < end; at++) {
      const source = inputSource[at]!;
      if (source < 0) builder.literal(inputIndex[at]!, inputValue[at]);
      else if (inputLazy[at] === 1) builder.lazy(inputIndex[at]!);
      else if (this.keys[source] !== undefined) builder.linkWords(inputIndex[at]!, this.keyWords, source * 4, inputOutput[at]!);
      else builder.link(inputIndex[at]!, this.digests![source]![inputOutput[at]!]!, inputOutput[at]!);
    }
    if (type.fingerprint === undefined) return this.afterKeying(index, undefined, builder);
    // The fingerprint sees the eager inputs; lazy ones are added (as functions) only for `run`.
    const inputs = this.eagerInputs(index);
    const fingerprint = type.fingerprint(inputs, { folders: this.folders, nodeId: this.ids[index]! });
    if (isThenable(fingerprint)) return this.afterFingerprint(fingerprint, index, inputs, builder);
    builder.fingerprint(fingerprint);
    return this.afterKeying(index, inputs, builder);
  }

  private afterFingerprint(pending: PromiseLike<unknown>, index: number, inputs: Record<string, unknown>, builder: ContentKeyBuilder): Promise<void> {
    return Promise.resolve(pending).then((value) => {
      if (this.finished) return undefined;
      builder.fingerprint(value);
      return this.afterKeying(index, inputs, builder);
    });
  }

  /** The values of a node's eager inputs by name (built only when it runs or fingerprints: cache hits skip it). */
  private eagerInputs(index: number): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    const { inputStart, inputIndex, inputSource, inputOutput, inputLazy, inputValue } = this.graph;
    const names = this.types[index]!.inputNames;
    const end = inputStart[index + 1]!;
    for (let at = inputStart[index]!; at < end; at++) {
      if (inputLazy[at] === 1) continue;
      const source = inputSource[at]!;
      inputs[names[inputIndex[at]!]!] = source < 0 ? inputValue[at] : this.values[source]![inputOutput[at]!];
    }
    this.inputsOf[index] = inputs;
    return inputs;
  }

  private afterKeying(index: number, eager: Record<string, unknown> | undefined, builder: ContentKeyBuilder): Promise<void> | undefined {
    const type = this.types[index]!;
    const flags = this.graph.flags[index]!;
    if ((flags & NodeFlag.lazyInputs) !== 0) {
      const inputs = eager ?? this.eagerInputs(index);
      const job = this.jobFor(index);
      const { inputStart, inputLazy } = this.graph;
      for (let at = inputStart[index]!; at < inputStart[index + 1]!; at++) {
        if (inputLazy[at] === 1) inputs[inputName(this.graph, index, at)] = this.lazyGetter(job, index, at);
      }
      if ((flags & NodeFlag.lazyLinks) !== 0) {
        job.baseKey = type.cache ? builder.finish() : undefined;
        return this.executeLazy(index, inputs, job);
      }
      eager = inputs;
    }
    if (!type.cache) return this.runFresh(index, eager ?? this.eagerInputs(index), undefined);
    const key = builder.finishInto(this.keyWords, index * 4);
    this.keys[index] = key;
    const entry = this.cache.get(key);
    if (entry !== undefined) {
      this.completeCached(index, entry);
      return undefined;
    }
    const inputs = eager ?? this.eagerInputs(index);
    const flight = this.shared.flights.get(key);
    if (flight !== undefined) return this.followFlight(index, inputs, key, flight);
    return this.runFresh(index, inputs, key);
  }

  /** A node with linked lazy inputs: its key also covers the lazy inputs it asks for. */
  private async executeLazy(index: number, inputs: Record<string, unknown>, job: Job): Promise<void> {
    const baseKey = job.baseKey;
    if (baseKey !== undefined) {
      // Last time (same type, literals, eager inputs) it asked for these: get them and look up.
      const asked = this.cache.get(baseKey)?.lazyRequested;
      if (asked !== undefined) {
        await Promise.all(asked.map((inputIndex) => job.lazyLinks?.get(inputIndex)?.()));
        if (this.finished) return;
        const key = this.lazyKey(index, job);
        const entry = key === undefined ? undefined : this.cache.get(key);
        if (key !== undefined && entry !== undefined) {
          this.setKey(index, key);
          this.completeCached(index, entry);
          return;
        }
      }
    }
    return this.runFresh(index, inputs, this.types[index]!.cache ? LAZY_KEY : undefined);
  }

  /** Runs the node's own code. `key`: its content key, LAZY_KEY, or undefined (keyed by output values). */
  private runFresh(index: number, inputs: Record<string, unknown>, key: Digest128 | undefined): Promise<void> | undefined {
    const type = this.types[index]!;
    const id = this.ids[index]!;
    if (this.onEvent !== undefined) {
      this.emit({ type: 'node_started', runId: this.runId, nodeId: id, nodeType: type.type });
      // A listener may have interrupted the run.
      if (this.finished) return undefined;
    }
    const started = performance.now();
    const result: unknown = type.run(inputs as never, createNodeContext(this, index, id));
    if (!isThenable(result)) {
      this.finishFresh(index, result, key, started);
      return undefined;
    }
    if (key !== undefined && key !== LAZY_KEY) {
      const flight = this.shared.flights.lead(key);
      if (flight !== undefined) (this.led ??= new Array(this.ids.length))[index] = flight;
    }
    return this.finishWhenSettled(result, index, key, started);
  }

  private finishWhenSettled(pending: PromiseLike<unknown>, index: number, key: Digest128 | undefined, started: number): Promise<void> {
    return Promise.resolve(pending).then((value) => {
      if (!this.finished) this.finishFresh(index, value, key, started);
    });
  }

  private finishFresh(index: number, result: unknown, key: Digest128 | undefined, started: number): void {
    const id = this.ids[index]!;
    const type = this.types[index]!;
    const entry = readNodeResult(id, type, result, this.shared.dataType);
    const { outputs, ui } = entry;
    const now = performance.now();
    this.clock = now;
    const durationMs = now - started;
    if (key === LAZY_KEY) {
      key = this.storeLazyManifest(index);
      if (key !== undefined) this.setKey(index, key);
    }
    if (key !== undefined) {
      this.cache.set(key, entry, estimateEntryBytes(outputs, this.outputTypes(type), ui, this.shared.dataType));
      const led = this.led;
      const flight = led === undefined ? undefined : led[index];
      if (flight !== undefined) {
        led![index] = undefined;
        this.shared.flights.land(key, flight, entry);
      }
    } else {
      (this.digests ??= new Array(this.ids.length))[index] = outputs.map(digestValue);
    }
    if (this.readers[index]! > 0) this.values[index] = outputs;
    if (ui !== undefined) this.outputs[id] = ui;
    this.executedOrder[this.executedCount++] = index;
    this.durations[index] = durationMs;
    if (this.onEvent !== undefined) {
      this.emit({ type: 'node_output', runId: this.runId, nodeId: id, nodeType: type.type, ui, durationMs, cached: false });
    }
    this.complete(index);
  }

  /** Records a key made elsewhere than by `finishInto` (a lazy node's), with its words. */
  private setKey(index: number, key: Digest128): void {
    this.keys[index] = key;
    for (let word = 0; word < 4; word++) this.keyWords[index * 4 + word] = digestWord(key, word);
  }

  private outputTypes(type: CompiledGraph['types'][number]): readonly string[] {
    if (type !== this.lastOutputType) {
      this.lastOutputType = type;
      this.lastOutputTypes = outputTypesOf(type);
    }
    return this.lastOutputTypes;
  }

  private completeCached(index: number, entry: CacheEntry): void {
    const id = this.ids[index]!;
    if (this.readers[index]! > 0) this.values[index] = entry.outputs;
    this.cachedOrder[this.cachedCount++] = index;
    if (entry.ui !== undefined) this.outputs[id] = entry.ui;
    if (this.onEvent !== undefined) {
      this.pendingCached.push(id);
      if (entry.ui !== undefined) {
        this.emit({ type: 'node_output', runId: this.runId, nodeId: id, nodeType: this.types[index]!.type, ui: entry.ui, durationMs: 0, cached: true });
      }
    }
    this.complete(index);
  }

  private complete(index: number): void {
    this.schedule.complete(index);
    this.inputsOf[index] = undefined;
    this.settle(index);
    const waiters = this.waiters;
    const waiting = waiters === undefined ? undefined : waiters[index];
    if (waiting !== undefined) {
      waiters![index] = undefined;
      for (const waiter of waiting) waiter.resolve();
    }
  }

  /**
   * The node reads no upstream values any more (it is done, failed or skipped): each of its
   * sources loses a reader. A finished source left without readers lets its values go; one never
   * activated can never run now, so it stops reading its own sources in turn.
   */
  private settle(index: number): void {
    const { readers, settled } = this;
    if (settled[index] === 1) return;
    settled[index] = 1;
    const { sourceStart, sources, hasLazyLinks } = this.graph;
    if (hasLazyLinks && this.jobs !== undefined) {
      const job = this.jobs[index];
      if (job !== undefined) job.lazyLinks = undefined;
    }
    let dead: number[] | undefined;
    let node = index;
    for (;;) {
      const end = sourceStart[node + 1]!;
      for (let at = sourceStart[node]!; at < end; at++) {
        const source = sources[at]!;
        if (--readers[source]! === 0) dead = this.unread(source, dead);
      }
      if (hasLazyLinks && (this.graph.flags[node]! & NodeFlag.lazyLinks) !== 0) {
        const { inputStart, inputSource, inputLazy } = this.graph;
        for (let at = inputStart[node]!; at < inputStart[node + 1]!; at++) {
          const source = inputSource[at]!;
          if (inputLazy[at] === 1 && source >= 0 && --readers[source]! === 0) dead = this.unread(source, dead);
        }
      }
      if (dead === undefined || dead.length === 0) return;
      node = dead.pop()!;
    }
  }

  /** `source` lost its last reader: a finished one lets its values go; one never activated is dead (returned in `dead`). */
  private unread(source: number, dead: number[] | undefined): number[] | undefined {
    if (this.schedule.state[source] === NodeState.inactive) {
      this.settled[source] = 1;
      (dead ??= []).push(source);
    } else {
      // Done: release. Running or waiting: it will not keep its values when it completes.
      this.values[source] = undefined;
    }
    return dead;
  }

  /**
   * For tests and diagnostics: ids of the nodes whose output values the run holds right now.
   * A value leaves this list as soon as no node that may still run in this run reads it.
   */
  heldOutputs(): string[] {
    const held: string[] = [];
    for (let i = 0; i < this.values.length; i++) if (this.values[i] !== undefined) held.push(this.ids[i]!);
    return held;
  }

  private nodeFailed(index: number, thrown: unknown): void {
    if (this.finished) return;
    // A synchronous node may have worked a long time before it threw.
    this.clock = performance.now();
    const id = this.ids[index]!;
    const typeName = this.types[index]!.type;
    let skipped: number[];
    if (typeof thrown === 'object' && thrown !== null && upstreamUnavailable.has(thrown)) {
      // A lazy input it asked for could not be produced: skipped like any dependent (with its own downstream).
      skipped = this.schedule.skip(index);
    } else {
      const error = toNodeRunError(id, typeName, thrown, this.inputsOf[index] ?? {});
      this.errors.push(error);
      this.log.error({ nodeId: id, nodeType: typeName, code: error.code, err: thrown }, error.message);
      this.emit({ type: 'node_error', runId: this.runId, nodeId: id, nodeType: typeName, code: error.code, message: error.message, inputs: error.inputs, stack: error.stack });
      skipped = this.schedule.fail(index);
      this.rejectWaiters(index);
    }
    this.settle(index);
    const flight = this.led === undefined ? undefined : this.led[index];
    const key = this.keys[index];
    if (flight !== undefined && key !== undefined) {
      this.led![index] = undefined;
      this.shared.flights.abort(key, flight, thrown);
    }
    for (const other of skipped) {
      this.skipped.push(this.ids[other]!);
      this.rejectWaiters(other);
      this.settle(other);
    }
    this.inputsOf[index] = undefined;
  }

  private rejectWaiters(index: number): void {
    const waiting = this.waiters === undefined ? undefined : this.waiters[index];
    if (waiting === undefined) return;
    this.waiters![index] = undefined;
    const id = this.ids[index]!;
    for (const waiter of waiting) {
      const error = new SwitchyardError('node_failed', `node ${id} (${this.types[index]!.type}) did not produce its outputs`, { nodeId: id });
      upstreamUnavailable.add(error);
      waiter.reject(error);
    }
  }

  // ---- lazy inputs, shared results and places ---------------------------------------------

  private jobFor(index: number): Job {
    const jobs = (this.jobs ??= new Array(this.ids.length));
    let job = jobs[index];
    if (job === undefined) {
      job = newPlaceHolder();
      jobs[index] = job;
    }
    return job;
  }

  /** The function a node gets for its lazy input at position `at` of the graph's input arrays. */
  private lazyGetter(job: Job, index: number, at: number): () => Promise<unknown> {
    const source = this.graph.inputSource[at]!;
    if (source < 0) {
      const value = Promise.resolve(this.graph.inputValue[at]);
      return () => value;
    }
    const output = this.graph.inputOutput[at]!;
    let memo: Promise<unknown> | undefined;
    const getter = (): Promise<unknown> => {
      if (memo === undefined) {
        if (this.settled[index] === 1) return this.askedTooLate(index, at);
        (job.requested ??= []).push(at);
        // `?.`: the values are gone only if the node finished without awaiting what it asked for.
        memo = this.awaitNode(index, job, source).then(() => this.values[source]?.[output]);
      }
      return memo;
    };
    (job.lazyLinks ??= new Map()).set(this.graph.inputIndex[at]!, getter);
    return getter;
  }

  /** A node called a lazy input's function after it finished: its upstream may be released (or never planned). */
  private askedTooLate(index: number, at: number): Promise<never> {
    const id = this.ids[index]!;
    const name = inputName(this.graph, index, at);
    const error = new SwitchyardError('node_failed', `node ${id} (${this.types[index]!.type}) asked for its lazy input "${name}" after it had finished`, { nodeId: id, input: name });
    const rejected = Promise.reject(error);
    // A late call nobody awaits must not become an unhandled rejection that takes the process down.
    rejected.catch(() => undefined);
    return rejected;
  }

  /** Resolves when `source` is done (planning and running it if needed); the asking node gives its place up meanwhile. */
  private awaitNode(index: number, job: Job, source: number): Promise<void> {
    const state = this.schedule.state;
    if (state[source] === NodeState.done) return RESOLVED;
    if (this.finished) return Promise.reject(interruptedError(this.runId));
    if (state[source] === NodeState.inactive) {
      const skipped = this.schedule.activate([source]);
      for (const node of skipped) {
        this.skipped.push(this.ids[node]!);
        this.settle(node);
      }
    }
    if (state[source] === NodeState.failed || state[source] === NodeState.skipped) {
      const sourceId = this.ids[source]!;
      const error = new SwitchyardError('node_failed', `node ${sourceId} (${this.types[source]!.type}), which node ${this.ids[index]!} asked for, did not produce its outputs`, { nodeId: sourceId });
      upstreamUnavailable.add(error);
      return Promise.reject(error);
    }
    // Register before giving the place up: that may run `source` synchronously.
    const waiters = (this.waiters ??= new Array(this.ids.length));
    const waited = new Promise<void>((resolve, reject) => (waiters[source] ??= []).push({ resolve, reject }));
    this.places.beginWait(job);
    return waited.then(
      () => this.places.endWait(job),
      (error: unknown) => this.places.endWait(job).then(() => Promise.reject(error)),
    );
  }

  /** Waits for the node computing the same key; computes it itself if that fails. */
  private followFlight(index: number, inputs: Record<string, unknown>, key: Digest128, flight: Flight): Promise<void> {
    const job = this.jobFor(index);
    const followed = flight.follow();
    this.places.beginWait(job);
    return followed.then(
      (entry) => {
        this.places.endWaitWithoutPlace(job);
        if (!this.finished) this.completeCached(index, entry);
      },
      () => this.places.endWait(job).then(() => (this.finished ? undefined : this.runFresh(index, inputs, key))),
    );
  }

  /** The key of a lazy node from the lazy inputs it asked for; undefined if one of them is not done. */
  private lazyKey(index: number, job: Job): Digest128 | undefined {
    if (job.baseKey === undefined) return undefined;
    const requested: RequestedLazyInput[] = [];
    const { inputSource, inputOutput, inputIndex } = this.graph;
    for (const at of job.requested ?? []) {
      const source = inputSource[at]!;
      const output = inputOutput[at]!;
      if (this.schedule.state[source] !== NodeState.done) return undefined;
      const upstream = this.keys[source] ?? this.digests![source]![output]!;
      requested.push({ inputIndex: inputIndex[at]!, upstream, output });
    }
    return lazyResultKey(this.types[index]!, job.baseKey, requested);
  }

  /** After a lazy node ran: remember what it asked for under its base key; returns its full key. */
  private storeLazyManifest(index: number): Digest128 | undefined {
    const job = this.jobs === undefined ? undefined : this.jobs[index];
    if (job === undefined || job.baseKey === undefined) return undefined;
    const key = this.lazyKey(index, job);
    if (key === undefined) return undefined;
    const asked = (job.requested ?? []).map((at) => this.graph.inputIndex[at]!);
    this.cache.set(job.baseKey, { outputs: [], lazyRequested: asked }, 96 + 8 * asked.length);
    return key;
  }

  // ---- events and the end -----------------------------------------------------------------

  nodeTypeName(index: number): string {
    return this.types[index]!.type;
  }

  reportProgress(index: number, done: number, total: number): void {
    if (this.finished || this.onEvent === undefined) return;
    this.emit({ type: 'progress', runId: this.runId, nodeId: this.ids[index]!, done, total });
  }

  reportPreview(index: number, image: ImageValue): void {
    if (this.finished || this.onEvent === undefined) return;
    this.emit({ type: 'preview', runId: this.runId, nodeId: this.ids[index]!, image });
  }

  private emit(event: RunEvent): void {
    const listener = this.onEvent;
    if (listener === undefined) return;
    if (this.pendingCached.length > 0 && event.type !== 'node_cached') this.flushCached();
    try {
      listener(event);
    } catch (error) {
      this.log.error({ err: error, eventType: event.type }, 'a run event listener threw; the run goes on');
    }
  }

  private flushCached(): void {
    if (this.pendingCached.length === 0) return;
    const nodeIds = this.pendingCached;
    this.pendingCached = [];
    this.emit({ type: 'node_cached', runId: this.runId, nodeIds });
  }

  private readonly onAbort = (): void => {
    if (!this.finished) this.interrupt();
  };

  private interrupt(): void {
    this.finished = true;
    if (this.yielded !== undefined) {
      clearImmediate(this.yielded);
      this.yielded = undefined;
    }
    this.flushCached();
    const error = interruptedError(this.runId);
    this.abortedWith = { reason: error };
    this.controller?.abort(error);
    const { led, waiters } = this;
    for (let i = 0; i < this.ids.length; i++) {
      const flight = led === undefined ? undefined : led[i];
      const key = this.keys[i];
      if (flight !== undefined && key !== undefined) this.shared.flights.abort(key, flight, error);
      const waiting = waiters === undefined ? undefined : waiters[i];
      if (waiting !== undefined) for (const waiter of waiting) waiter.reject(error);
    }
    this.places.close(error, this.jobs ?? []);
    const { executed, cached } = this.finalLists();
    const finished = [...executed, ...cached];
    this.emit({ type: 'run_interrupted', runId: this.runId, finished, durationMs: performance.now() - this.startedClock });
    this.resolve('interrupted');
  }

  private finish(): void {
    this.finished = true;
    for (const index of this.schedule.unfinished()) {
      // Only a cycle leaves needed nodes waiting (validation refuses cycles before a run).
      const id = this.ids[index]!;
      const typeName = this.types[index]!.type;
      this.errors.push({
        nodeId: id, nodeType: typeName, code: 'invalid_workflow', details: { nodeId: id },
        message: `node ${id} (${typeName}) never became ready: it is part of a cycle or depends on one`, inputs: {},
      });
    }
    const durationMs = performance.now() - this.startedClock;
    const { executed, cached } = this.finalLists();
    if (this.errors.length > 0) {
      this.emit({
        type: 'run_failed', runId: this.runId, skipped: this.skipped, executed, cached, durationMs,
        errors: this.errors.map((e) => ({ nodeId: e.nodeId, nodeType: e.nodeType, code: e.code, message: e.message })),
      });
      this.resolve('error');
    } else {
      this.emit({ type: 'run_finished', runId: this.runId, executed, cached, durationMs });
      this.resolve('success');
    }
  }

  /** The ids of the executed and cached nodes in the order they finished, and the timings (made once, when the run is over). */
  private finalLists(): { executed: string[]; cached: string[]; timings: Record<string, number> } {
    if (this.lists !== undefined) return this.lists;
    const { ids, executedOrder, executedCount, cachedOrder, cachedCount, durations } = this;
    const executed: string[] = new Array(executedCount);
    for (let i = 0; i < executedCount; i++) executed[i] = ids[executedOrder[i]!]!;
    const cached: string[] = new Array(cachedCount);
    for (let i = 0; i < cachedCount; i++) cached[i] = ids[cachedOrder[i]!]!;
    this.lists = { executed, cached, timings: timingsOf(ids, executedOrder, executedCount, durations, this.executedFlags) };
    return this.lists;
  }

  private resolve(status: RunStatus): void {
    this.external?.removeEventListener('abort', this.onAbort);
    // Nodes still settling after an interruption must not keep the run's values alive.
    this.values.fill(undefined);
    const lists = this.finalLists();
    this.resolveResult({
      runId: this.runId,
      status,
      outputs: this.outputs,
      executed: lists.executed,
      cached: lists.cached,
      skipped: this.skipped,
      errors: this.errors,
      timings: lists.timings,
      startedAt: this.startedAt,
      finishedAt: Date.now(),
    });
  }
}

/** True for an array index ("0", "17"; not "01", "-1" or "4294967295"): the keys an object keeps in ascending order. */
function isArrayIndex(id: string): boolean {
  const length = id.length;
  if (length === 0 || length > 10 || (length > 1 && id.charCodeAt(0) === 48)) return false;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    value = value * 10 + digit;
  }
  return value < 4294967295;
}

/**
 * `{ [id]: ms }` for the executed nodes: the same object as filling it as nodes finish, built so
 * that it stays a fast object. An object lists array-index keys in ascending order whatever
 * the order they were added in, so those go in first in ascending order (the workflow's ids
 * list them first, ascending, as Object.keys does); the other ids follow in the order their
 * nodes finished, which is the order they are listed in.
 */
function timingsOf(ids: readonly string[], order: Int32Array, count: number, durations: Float64Array, executed: Uint8Array): Record<string, number> {
  const timings: Record<string, number> = {};
  if (count === 0) return timings;
  for (let i = 0; i < count; i++) executed[order[i]!] = 1;
  let indexIds = 0;
  while (indexIds < ids.length && isArrayIndex(ids[indexIds]!)) {
    if (executed[indexIds] === 1) timings[ids[indexIds]!] = durations[indexIds]!;
    indexIds++;
  }
  for (let i = 0; i < count; i++) {
    const index = order[i]!;
    if (index >= indexIds) timings[ids[index]!] = durations[index]!;
  }
  return timings;
}
