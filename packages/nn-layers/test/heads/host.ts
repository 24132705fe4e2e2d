// Float64 host references shared by the head tests (written from the definitions, not from src).

/** Deterministic test values in about [-2.5, 2.5]. */
export function values(n: number, seed = 0): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 2.5 * Math.sin(1.37 * i + 0.71 + 3.1 * seed));
}

export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function logSigmoid(x: number): number {
  return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
}

export function normalLogPdf(y: number, loc: number, scale: number): number {
  const z = (y - loc) / scale;
  return -0.5 * z * z - Math.log(scale) - 0.5 * Math.log(2 * Math.PI);
}

export function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/**
 * log p(y) of one example of a K-component diagonal-normal mixture in mixtureNormal's layout:
 * p = [logits (K), locs (K·n), raw scales (K·n)], entry k·n + e of a block for component k, event
 * element e; scale = shift + softplus(raw).
 */
export function mixtureNormalLogProb(p: ArrayLike<number>, y: ArrayLike<number>, k: number, n: number, shift = 1e-3): number {
  const logits = Array.from({ length: k }, (_, j) => p[j]!);
  const lse = logSumExp(logits);
  const terms = logits.map((l, j) => {
    let lp = l - lse;
    for (let e = 0; e < n; e++) {
      const loc = p[k + j * n + e]!;
      const scale = shift + softplus(p[k + k * n + j * n + e]!);
      lp += normalLogPdf(y[e]!, loc, scale);
    }
    return lp;
  });
  return logSumExp(terms);
}

/** mixtureNormal's features [logits | locs | raw scales] → mixtureSameFamily(K, independentNormal)'s TFP layout [logits | (loc_k, raw_k) per k]. */
export function toTfpLayout(p: ArrayLike<number>, rows: number, k: number, n: number): Float64Array {
  const size = k + 2 * k * n;
  const out = new Float64Array(rows * size);
  for (let r = 0; r < rows; r++) {
    const o = r * size;
    for (let j = 0; j < k; j++) out[o + j] = p[o + j]!;
    for (let j = 0; j < k; j++) {
      for (let e = 0; e < n; e++) {
        out[o + k + j * 2 * n + e] = p[o + k + j * n + e]!;
        out[o + k + j * 2 * n + n + e] = p[o + k + k * n + j * n + e]!;
      }
    }
  }
  return out;
}
