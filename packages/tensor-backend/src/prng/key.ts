import { hashOut, threefryHash, threefrySplitWords } from './threefry.js';

/**
 * A PRNG key: the two uint32 words of a JAX `threefry2x32` key, plus the stream layout it draws with.
 * A small immutable host object: no tensor inside, nothing to dispose. Make one with {@link key},
 * derive more with {@link split} and {@link foldIn}; never reuse a key for two draws you want independent.
 */
export interface PRNGKey {
  /** The two key words (JAX's `random.key_data(key)`); treat as read-only. */
  readonly data: Uint32Array;
  /**
   * The stream layout: `true` draws like JAX with `jax_threefry_partitionable=True` (the default
   * since JAX 0.5), `false` like older JAX (e.g. 2022-era notebooks). Keys derived from this key keep it.
   */
  readonly partitionable: boolean;
}

/** Options of {@link key} and {@link keyFromData}. */
export interface KeyOptions {
  /** Stream layout (see {@link PRNGKey.partitionable}). Default true, JAX's default since 0.5. */
  partitionable?: boolean;
  /**
   * Seed as JAX does with `jax_enable_x64=True`: the seed's 64-bit two's complement gives both words.
   * Default false, JAX's default configuration, where the key is `[0, seed mod 2^32]`.
   */
  x64?: boolean;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_END = 2n ** 64n;

function makeKey(w0: number, w1: number, partitionable: boolean): PRNGKey {
  const data = new Uint32Array(2);
  data[0] = w0;
  data[1] = w1;
  return Object.freeze({ data, partitionable });
}

function checkKey(fn: string, k: unknown): PRNGKey {
  const data = (k as PRNGKey | null)?.data;
  if (!(data instanceof Uint32Array) || data.length !== 2 || typeof (k as PRNGKey).partitionable !== 'boolean') {
    throw new TypeError(`${fn}: key must be a PRNGKey made by key(), split() or foldIn(), got ${describeValue(k)}`);
  }
  return k as PRNGKey;
}

/** Validates a key argument (exported for the samplers); returns it typed. */
export function assertKey(fn: string, k: unknown): PRNGKey {
  return checkKey(fn, k);
}

/**
 * A key from an integer seed, like `jax.random.key(seed)` / `jax.random.PRNGKey(seed)`.
 *
 * Seeds: any integer in [-2^63, 2^64) as a safe-integer number or a bigint. With the default
 * configuration the key is `[0, seed mod 2^32]` (so `key(-1)` is `[0, 4294967295]`, as in JAX);
 * with `x64: true` it is `[high word, low word]` of the seed's 64-bit two's complement.
 * Non-integers, NaN, unsafe numbers (above 2^53: pass a bigint) and out-of-range seeds throw.
 */
export function key(seed: number | bigint, options: KeyOptions = {}): PRNGKey {
  const partitionable = options.partitionable ?? true;
  if (typeof partitionable !== 'boolean') throw new TypeError(`key: options.partitionable must be a boolean, got ${describeValue(partitionable)}`);
  let big: bigint;
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed)) throw new TypeError(`key: seed must be an integer, got ${seed}`);
    if (!Number.isSafeInteger(seed)) throw new RangeError(`key: seed ${seed} is beyond 2^53 and not exact as a number; pass it as a bigint`);
    big = BigInt(seed);
  } else if (typeof seed === 'bigint') {
    big = seed;
  } else {
    throw new TypeError(`key: seed must be an integer number or a bigint, got ${describeValue(seed)}`);
  }
  if (big < INT64_MIN || big >= UINT64_END) throw new RangeError(`key: seed ${big} is outside the 64-bit range [-2^63, 2^64)`);
  const bits = BigInt.asUintN(64, big);
  const lo = Number(bits & 0xffffffffn);
  const hi = options.x64 === true ? Number(bits >> 32n) : 0;
  return makeKey(hi, lo, partitionable);
}

/**
 * A key from raw key data (two uint32 words, e.g. `jax.random.key_data(k)` printed in Python).
 * `options.partitionable` picks the stream layout (default true).
 */
export function keyFromData(data: Uint32Array | readonly number[], options: Pick<KeyOptions, 'partitionable'> = {}): PRNGKey {
  const partitionable = options.partitionable ?? true;
  if (typeof partitionable !== 'boolean') throw new TypeError(`keyFromData: options.partitionable must be a boolean, got ${describeValue(partitionable)}`);
  if (!(data instanceof Uint32Array) && !Array.isArray(data)) throw new TypeError(`keyFromData: data must be two uint32 words, got ${describeValue(data)}`);
  if (data.length !== 2) throw new RangeError(`keyFromData: data must hold exactly 2 words, got ${data.length}`);
  for (const w of data) {
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffffffff) {
      throw new RangeError(`keyFromData: each word must be an integer in [0, 2^32), got ${String(w)}`);
    }
  }
  return makeKey(data[0]!, data[1]!, partitionable);
}

/** A copy of a key's two words (JAX's `random.key_data`). */
export function keyData(k: PRNGKey): Uint32Array {
  return Uint32Array.from(checkKey('keyData', k).data);
}

/**
 * `num` new keys from one, like `jax.random.split(key, num)` in the key's stream layout.
 * The parent must not be used for drawing afterwards.
 */
export function split(k: PRNGKey, num = 2): PRNGKey[] {
  checkKey('split', k);
  if (typeof num !== 'number' || !Number.isSafeInteger(num) || num < 0 || num > 2 ** 30) {
    throw new RangeError(`split: num must be an integer in [0, 2^30], got ${String(num)}`);
  }
  const words = threefrySplitWords(k.data[0]!, k.data[1]!, num, k.partitionable);
  const out = new Array<PRNGKey>(num);
  for (let i = 0; i < num; i++) out[i] = makeKey(words[2 * i]!, words[2 * i + 1]!, k.partitionable);
  return out;
}

/**
 * A new key from a key and an integer, like `jax.random.fold_in(key, data)` (the same in both layouts).
 * `data` is an integer in [-2^31, 2^32); negative values are taken modulo 2^32 (as an int32 would be).
 */
export function foldIn(k: PRNGKey, data: number): PRNGKey {
  checkKey('foldIn', k);
  if (typeof data !== 'number' || !Number.isInteger(data) || data < -(2 ** 31) || data >= 2 ** 32) {
    throw new RangeError(`foldIn: data must be an integer in [-2^31, 2^32), got ${String(data)}`);
  }
  // threefry_seed(uint32 data) is the counter pair (0, data).
  threefryHash(k.data[0]!, k.data[1]!, 0, data | 0);
  return makeKey(hashOut[0]!, hashOut[1]!, k.partitionable);
}

function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return Object.prototype.toString.call(x);
  if (typeof x === 'string') return JSON.stringify(x);
  return `${typeof x} ${String(x)}`;
}
