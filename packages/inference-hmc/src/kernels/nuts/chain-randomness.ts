import { foldIn, random, split, type PRNGKey } from '@probdl/tensor-backend';

/** 2^-24: the spacing of float32 uniforms on [0, 1) built from the top 24 bits of a word. */
const UNIT = 2 ** -24;

/**
 * The per-chain keys of one NUTS transition with key `key`: chain `c` draws everything it uses
 * from `foldIn(key, c)`, so a chain's trajectory does not depend on how many chains run beside it.
 */
export function chainKeysOf(key: PRNGKey, numChains: number): PRNGKey[] {
  const keys = new Array<PRNGKey>(numChains);
  for (let c = 0; c < numChains; c++) keys[c] = foldIn(key, c);
  return keys;
}

/**
 * The host randomness of one chain's NUTS transition (see {@link ChainRandomness} for the scheme):
 * the momentum normals, then per doubling the direction, the top-level uniform and one uniform per
 * step.
 */
export class TreeRandomness {
  private readonly treeKey: PRNGKey;
  private readonly momentumKey: PRNGKey;
  /** The current doubling's key and its word count (the words are hashed one at a time, as read). */
  private doublingKey: PRNGKey | undefined;
  private numWords = 0;

  constructor(chainKey: PRNGKey) {
    const [m, t] = split(chainKey, 2);
    this.momentumKey = m!;
    this.treeKey = t!;
  }

  /** Standard normals `[D]` for the momentum. */
  normals(dim: number): Float32Array {
    return random.normalHost(this.momentumKey, [dim]);
  }

  /**
   * Starts doubling `depth`, whose words are those of `randomBits(foldIn(treeKey, depth), [2^depth
   * + 2])`. Each is hashed when read (once): a subtree that stops early costs no more, and nothing
   * is allocated per word.
   */
  startDoubling(depth: number): void {
    this.doublingKey = foldIn(this.treeKey, depth);
    this.numWords = (1 << depth) + 2;
  }

  private uniform(word: number): number {
    return (random.randomBitsWord(this.doublingKey!, this.numWords, word) >>> 8) * UNIT;
  }

  /** +1 (forwards) or -1 (backwards). */
  direction(): number {
    return this.uniform(0) >= 0.5 ? 1 : -1;
  }

  /** The uniform of the top-level (biased progressive) acceptance. */
  topUniform(): number {
    return this.uniform(1);
  }

  /** The uniform of the in-subtree (multinomial) choice at step `k`. */
  stepUniform(k: number): number {
    return this.uniform(2 + k);
  }
}

/**
 * The host randomness of one NUTS transition, per chain: chain key k splits into (momentum key,
 * tree key); the momentum is `normalHost(momentumKey, [D])`; doubling j draws `2^j + 2` uniforms
 * from `foldIn(treeKey, j)`: [0] the direction (< 1/2 backwards), [1] the top-level (biased)
 * acceptance of the new subtree, [2 + k] the uniform choice at the subtree's step k.
 */
export class ChainRandomness {
  private readonly chains: TreeRandomness[];
  private building: ArrayLike<number | boolean> = [];

  /** Splits every chain's key into its momentum key and its tree key. */
  constructor(chainKeys: readonly PRNGKey[]) {
    this.chains = chainKeys.map((k) => new TreeRandomness(k));
  }

  /** Standard normals `[C * D]` (row-major) for the momenta. */
  normals(dim: number): Float32Array {
    const out = new Float32Array(this.chains.length * dim);
    this.chains.forEach((r, i) => out.set(r.normals(dim), i * dim));
    return out;
  }

  /**
   * Draws doubling `depth`'s uniforms for the chains with `building[c]` set (others get none and
   * read as direction +1 and uniform 0; their results are discarded).
   */
  startDoubling(depth: number, building: ArrayLike<number | boolean>): void {
    this.building = Array.from(building);
    this.chains.forEach((r, c) => {
      if (building[c]) r.startDoubling(depth);
    });
  }

  /** Per chain: +1 (forwards) or -1 (backwards) for the current doubling. */
  directions(): Float32Array {
    return Float32Array.from(this.chains, (r, c) => (this.building[c] ? r.direction() : 1));
  }

  /** Per chain: the uniform of the top-level (biased progressive) acceptance of the new subtree. */
  topUniforms(): Float32Array {
    return Float32Array.from(this.chains, (r, c) => (this.building[c] ? r.topUniform() : 0));
  }

  /** Per chain: the uniform for the in-subtree (multinomial) choice at step `k` of the doubling. */
  stepUniforms(k: number): Float32Array {
    return Float32Array.from(this.chains, (r, c) => (this.building[c] ? r.stepUniform(k) : 0));
  }
}
