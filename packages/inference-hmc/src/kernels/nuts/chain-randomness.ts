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
  private bits: Uint32Array = new Uint32Array(2);

  constructor(chainKey: PRNGKey) {
    const [m, t] = split(chainKey, 2);
    this.momentumKey = m!;
    this.treeKey = t!;
  }

  /** Standard normals `[D]` for the momentum. */
  normals(dim: number): Float32Array {
    return random.normalHost(this.momentumKey, [dim]);
  }

  /** Draws doubling `depth`'s words. */
  startDoubling(depth: number): void {
    this.bits = random.randomBits(foldIn(this.treeKey, depth), [(1 << depth) + 2]);
  }

  /** +1 (forwards) or -1 (backwards). */
  direction(): number {
    return (this.bits[0]! >>> 8) * UNIT >= 0.5 ? 1 : -1;
  }

  /** The uniform of the top-level (biased progressive) acceptance. */
  topUniform(): number {
    return (this.bits[1]! >>> 8) * UNIT;
  }

  /** The uniform of the in-subtree (multinomial) choice at step `k`. */
  stepUniform(k: number): number {
    return (this.bits[2 + k]! >>> 8) * UNIT;
  }
}

/**
 * The host randomness of one NUTS transition, per chain: chain key k splits into (momentum key,
 * tree key); the momentum is `normalHost(momentumKey, [D])`; doubling j draws `2^j + 2` uniforms
 * from `foldIn(treeKey, j)`: [0] the direction (< 1/2 backwards), [1] the top-level (biased)
 * acceptance of the new subtree, [2 + k] the uniform choice at the subtree's step k.
 */
export class ChainRandomness {
  private readonly treeKeys: PRNGKey[];
  private readonly momentumKeys: PRNGKey[];
  private doubling: (Float32Array | undefined)[] = [];

  /** Splits every chain's key into its momentum key and its tree key. */
  constructor(chainKeys: readonly PRNGKey[]) {
    this.treeKeys = [];
    this.momentumKeys = [];
    for (const k of chainKeys) {
      const [m, t] = split(k, 2);
      this.momentumKeys.push(m!);
      this.treeKeys.push(t!);
    }
  }

  /** Standard normals `[C * D]` (row-major) for the momenta. */
  normals(dim: number): Float32Array {
    const c = this.momentumKeys.length;
    const out = new Float32Array(c * dim);
    for (let i = 0; i < c; i++) out.set(random.normalHost(this.momentumKeys[i]!, [dim]), i * dim);
    return out;
  }

  /**
   * Draws doubling `depth`'s uniforms for the chains with `building[c]` set (others get none and
   * read as 0; their results are discarded).
   */
  startDoubling(depth: number, building: ArrayLike<number | boolean>): void {
    const n = 2 ** depth + 2;
    this.doubling = this.treeKeys.map((k, c) => {
      if (!building[c]) return undefined;
      const bits = random.randomBits(foldIn(k, depth), [n]);
      const u = new Float32Array(n);
      for (let i = 0; i < n; i++) u[i] = (bits[i]! >>> 8) * UNIT;
      return u;
    });
  }

  /** Per chain: +1 (forwards) or -1 (backwards) for the current doubling. */
  directions(): Float32Array {
    return Float32Array.from(this.doubling, (u) => (u === undefined || u[0]! >= 0.5 ? 1 : -1));
  }

  /** Per chain: the uniform of the top-level (biased progressive) acceptance of the new subtree. */
  topUniforms(): Float32Array {
    return Float32Array.from(this.doubling, (u) => (u === undefined ? 0 : u[1]!));
  }

  /** Per chain: the uniform for the in-subtree (multinomial) choice at step `k` of the doubling. */
  stepUniforms(k: number): Float32Array {
    return Float32Array.from(this.doubling, (u) => (u === undefined ? 0 : u[2 + k]!));
  }
}
