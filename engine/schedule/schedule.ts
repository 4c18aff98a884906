/**
 * Kahn-style scheduling state for one run: which nodes are needed, how many eager inputs each
 * still waits for, and a FIFO queue of nodes ready to start. Work is linear in nodes + links:
 * a node is activated once (counting its not-yet-finished eager sources), and each finishing
 * node decrements its consumers once — nothing rescans pending nodes. Every walk is iterative,
 * so chains of any length do not grow the call stack.
 *
 * Activation can happen more than once per run: first for the run's targets, later for the
 * upstream of a lazy input when a node asks for it. A failure marks the waiting downstream of
 * the failed node as skipped (they are not errors of their own).
 */
import { Arena } from './arena.js';
import type { CompiledGraph } from './graph.js';

export const NodeState = {
  /** Not needed (yet). */
  inactive: 0,
  /** Needed; waits for eager inputs. */
  waiting: 1,
  /** All eager inputs available; in the ready queue. */
  ready: 2,
  running: 3,
  done: 4,
  failed: 5,
  /** Not run because something it needs failed or was skipped. */
  skipped: 6,
} as const;
export type NodeStateValue = (typeof NodeState)[keyof typeof NodeState];

export class Schedule {
  readonly state: Uint8Array;
  private readonly pending: Int32Array;
  private readonly queue: Int32Array;
  private head = 0;
  private tail = 0;
  /**
   * Activation's work stack. A node is pushed only when it leaves `inactive`, which happens at
   * most once per run, so one flat array of the node count serves every activation (a JS array
   * popped empty and pushed again would reallocate its store for every node of a chain).
   */
  private readonly stack: Int32Array;

  /** Int32 words and bytes a schedule of `count` nodes takes from an arena. */
  static memory(count: number): { int32: number; uint8: number } {
    return { int32: count * 3, uint8: count };
  }

  /** `memory`: where its arrays come from (reserved with `Schedule.memory`); its own by default. */
  constructor(private readonly graph: CompiledGraph, memory?: Arena) {
    const count = graph.ids.length;
    memory ??= new Arena(0, count * 3, count);
    this.pending = memory.int32(count);
    // Each node enters the queue at most once per run, so a flat array never overflows.
    this.queue = memory.int32(count);
    this.stack = memory.int32(count);
    this.state = memory.uint8(count);
  }

  /**
   * Activates `roots` and their eager ancestors that are not active yet. Ready nodes join the
   * queue; nodes that need an already failed or skipped node are skipped (returned, with the
   * waiting nodes downstream of them).
   */
  activate(roots: Iterable<number>): number[] {
    const { state, pending, stack } = this;
    const { sourceStart, sources } = this.graph;
    let top = 0;
    for (const root of roots) {
      if (state[root] === NodeState.inactive) {
        state[root] = NodeState.waiting;
        stack[top++] = root;
      }
    }
    let blocked: number[] | undefined;
    while (top > 0) {
      const node = stack[--top]!;
      let count = 0;
      let isBlocked = false;
      const end = sourceStart[node + 1]!;
      for (let at = sourceStart[node]!; at < end; at++) {
        const source = sources[at]!;
        const sourceState = state[source];
        if (sourceState === NodeState.done) continue;
        if (sourceState === NodeState.failed || sourceState === NodeState.skipped) {
          isBlocked = true;
          continue;
        }
        if (sourceState === NodeState.inactive) {
          state[source] = NodeState.waiting;
          stack[top++] = source;
        }
        count++;
      }
      pending[node] = count;
      if (isBlocked) (blocked ??= []).push(node);
      else if (count === 0) this.enqueue(node);
    }
    const skipped: number[] = [];
    if (blocked === undefined) return skipped;
    for (const node of blocked) {
      if (state[node] !== NodeState.waiting) continue;
      state[node] = NodeState.skipped;
      skipped.push(node);
      this.skipDownstream(node, skipped);
    }
    return skipped;
  }

  hasReady(): boolean {
    return this.head < this.tail;
  }

  /** The next ready node (FIFO), marked running; -1 when none is ready. */
  takeReady(): number {
    if (this.head === this.tail) return -1;
    const node = this.queue[this.head++]!;
    this.state[node] = NodeState.running;
    return node;
  }

  /** Marks a node done; consumers whose last eager input this was become ready. */
  complete(node: number): void {
    const { state, pending, graph } = this;
    state[node] = NodeState.done;
    const end = graph.dependentStart[node + 1]!;
    for (let at = graph.dependentStart[node]!; at < end; at++) {
      const consumer = graph.dependents[at]!;
      if (state[consumer] === NodeState.waiting && --pending[consumer] === 0) this.enqueue(consumer);
    }
  }

  /** Marks a node failed; returns the waiting nodes downstream of it, now skipped. */
  fail(node: number): number[] {
    this.state[node] = NodeState.failed;
    const skipped: number[] = [];
    this.skipDownstream(node, skipped);
    return skipped;
  }

  /** Marks a running node skipped (a lazy input it asked for failed); returns it and its skipped downstream. */
  skip(node: number): number[] {
    this.state[node] = NodeState.skipped;
    const skipped = [node];
    this.skipDownstream(node, skipped);
    return skipped;
  }

  /** Needed nodes that never finished (only possible when the graph has a cycle). */
  unfinished(): number[] {
    const stuck: number[] = [];
    for (let i = 0; i < this.state.length; i++) if (this.state[i] === NodeState.waiting) stuck.push(i);
    return stuck;
  }

  private enqueue(node: number): void {
    this.state[node] = NodeState.ready;
    this.queue[this.tail++] = node;
  }

  private skipDownstream(node: number, into: number[]): void {
    const { state, graph } = this;
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      const end = graph.dependentStart[current + 1]!;
      for (let at = graph.dependentStart[current]!; at < end; at++) {
        const consumer = graph.dependents[at]!;
        if (state[consumer] !== NodeState.waiting) continue;
        state[consumer] = NodeState.skipped;
        into.push(consumer);
        stack.push(consumer);
      }
    }
  }
}
