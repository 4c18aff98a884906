/**
 * Content keys: a Merkle key per node, computed from what the node is and what it reads, never
 * from where it sits. A key mixes the node type id and version, each literal input (canonically:
 * stable key order, typed data by bytes), the node type's fingerprint result when it has one, and
 * for each linked input the identity of the upstream output (the upstream node's key and the
 * output index, or for a `cache: false` upstream a digest of the value it produced). Node ids and
 * titles never enter a key, so identical sub-graphs in different workflows share results.
 *
 * Inputs are mixed in the type's declaration order, each tagged with a 64-bit digest of its name
 * (so a pack that reorders inputs cannot make two different assignments collide).
 */
import { digestWord, Hash128, hashString, type Digest128, type HashState } from './hash.js';
import { mixValue } from './value-hash.js';

const TAG_TYPE = 0x6b000001;
const TAG_LITERAL = 0x6b000002;
const TAG_LINK = 0x6b000003;
const TAG_LAZY = 0x6b000004;
const TAG_FINGERPRINT = 0x6b000005;
const TAG_LAZY_RESULT = 0x6b000006;

/** The parts of a node type a key depends on (a NodeType satisfies this). */
export interface KeyedType {
  readonly type: string;
  readonly version: number;
  readonly inputNames: readonly string[];
}

/** How one input enters a key. */
export type KeyInput =
  | { readonly kind: 'literal'; readonly value: unknown }
  /** `upstream`: the upstream node's key, or the digest of a `cache: false` node's output value. */
  | { readonly kind: 'link'; readonly upstream: Digest128; readonly output: number }
  /** A linked lazy input: its upstream is only known once the node asks for it. */
  | { readonly kind: 'lazy' };

interface TypeKeyInfo {
  start: HashState;
  /** Two words per input (a 64-bit digest of its name), in declaration order. */
  names: Int32Array;
}

const typeInfos = new WeakMap<KeyedType, TypeKeyInfo>();

function nameWords(name: string): [number, number] {
  const digest = hashString(name);
  return [digestWord(digest, 0), digestWord(digest, 1)];
}

/** Per-type facts computed once (node types are immutable after defineNode). */
function typeKeyInfo(type: KeyedType): TypeKeyInfo {
  let info = typeInfos.get(type);
  if (!info) {
    const start = new Hash128(0x4b).string(type.type).block(TAG_TYPE, type.version, type.inputNames.length, 0).save();
    const names = new Int32Array(type.inputNames.length * 2);
    type.inputNames.forEach((name, index) => {
      const [a, b] = nameWords(name);
      names[index * 2] = a;
      names[index * 2 + 1] = b;
    });
    info = { start, names };
    typeInfos.set(type, info);
  }
  return info;
}

/**
 * Builds one node's key. Call the input methods in declaration order (absent inputs are simply
 * not mixed), then `fingerprint` if the type has one, then `finish`.
 */
export class ContentKeyBuilder extends Hash128 {
  // At most one object per key (the hasher itself), none with `reset`: keys are built for every
  // node on every run.
  private names: Int32Array;

  constructor(type: KeyedType) {
    const info = typeKeyInfo(type);
    super(info.start);
    this.names = info.names;
  }

  /**
   * Starts a new key for a node of `type`, as `new ContentKeyBuilder(type)` would: one builder
   * can key many nodes one after another, as long as each key is finished before the next starts.
   */
  reset(type: KeyedType): this {
    const info = typeKeyInfo(type);
    this.restore(info.start);
    this.names = info.names;
    return this;
  }

  literal(inputIndex: number, value: unknown): this {
    this.block(TAG_LITERAL, this.names[inputIndex * 2]!, this.names[inputIndex * 2 + 1]!, 0);
    mixValue(this, value);
    return this;
  }

  link(inputIndex: number, upstream: Digest128, output: number): this {
    return this.block(TAG_LINK, this.names[inputIndex * 2]!, this.names[inputIndex * 2 + 1]!, output).digest128(upstream);
  }

  /** As `link`, with the upstream key's words at `words[at .. at + 4)` (see Hash128.digestInto). */
  linkWords(inputIndex: number, words: Int32Array, at: number, output: number): this {
    return this.block(TAG_LINK, this.names[inputIndex * 2]!, this.names[inputIndex * 2 + 1]!, output).words128(words, at);
  }

  lazy(inputIndex: number): this {
    return this.block(TAG_LAZY, this.names[inputIndex * 2]!, this.names[inputIndex * 2 + 1]!, 0);
  }

  fingerprint(value: unknown): this {
    this.block(TAG_FINGERPRINT, 0, 0, 0);
    mixValue(this, value);
    return this;
  }

  /** The key (the builder must not be used afterwards). */
  finish(): Digest128 {
    return this.digest();
  }

  /** The key, with its words also written to `words[at .. at + 4)` (for `linkWords`). */
  finishInto(words: Int32Array, at: number): Digest128 {
    return this.digestInto(words, at);
  }
}

/**
 * The key of a node from a description of its inputs (the executor builds the same key with
 * ContentKeyBuilder directly). Inputs not declared by the type are ignored.
 */
export function computeContentKey(type: KeyedType, inputs: Readonly<Record<string, KeyInput>>, fingerprint?: { value: unknown }): Digest128 {
  const builder = new ContentKeyBuilder(type);
  type.inputNames.forEach((name, index) => {
    const input = inputs[name];
    if (!input) return;
    if (input.kind === 'literal') builder.literal(index, input.value);
    else if (input.kind === 'link') builder.link(index, input.upstream, input.output);
    else builder.lazy(index);
  });
  if (fingerprint) builder.fingerprint(fingerprint.value);
  return builder.finish();
}

/** One lazy input the node asked for, with the identity of what it received. */
export interface RequestedLazyInput {
  readonly inputIndex: number;
  readonly upstream: Digest128;
  readonly output: number;
}

/**
 * The key of a node with lazy inputs once it is known which of them it asked for: its base key
 * (built with `lazy(...)` for the lazy links) plus the identities of the requested inputs, in
 * declaration order.
 */
export function lazyResultKey(type: KeyedType, baseKey: Digest128, requested: readonly RequestedLazyInput[]): Digest128 {
  const { names } = typeKeyInfo(type);
  const hasher = new Hash128(0x4c).digest128(baseKey).block(TAG_LAZY_RESULT, requested.length, 0, 0);
  const ordered = [...requested].sort((a, b) => a.inputIndex - b.inputIndex);
  for (const input of ordered) {
    hasher.block(TAG_LINK, names[input.inputIndex * 2]!, names[input.inputIndex * 2 + 1]!, input.output).digest128(input.upstream);
  }
  return hasher.digest();
}
