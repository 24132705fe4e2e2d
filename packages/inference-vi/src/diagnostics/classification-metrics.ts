import type * as tf from '@tensorflow/tfjs-core';
import { readLabels, readProbs, type MatrixLike, type VectorLike } from './internal/inputs.js';

/**
 * Class probabilities: `[N]` (binary, p(y = 1)) as a tensor or numbers, or `[N, K]` as a tensor or
 * nested rows (each row sums to 1).
 */
export type ProbsInput = tf.Tensor | ArrayLike<number> | MatrixLike;

/** p(label) of observation i. */
function probOfLabel(p: { data: Float64Array; k: number; binary: boolean }, i: number, label: number): number {
  if (p.binary) return label === 1 ? p.data[i]! : 1 - p.data[i]!;
  return p.data[i * p.k + label]!;
}

async function read(fn: string, probs: ProbsInput, labels: VectorLike): Promise<{ p: Awaited<ReturnType<typeof readProbs>>; y: Int32Array }> {
  const p = await readProbs(fn, probs);
  if (p.n === 0) throw new RangeError(`${fn}: argument 'probs' is empty`);
  for (let i = 0; i < p.data.length; i++) {
    const v = p.data[i]!;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${fn}: argument 'probs' has ${v} at flat index ${i}; probabilities must lie in [0, 1]`);
  }
  return { p, y: await readLabels(fn, labels, p.n, p.k) };
}

/**
 * The mean negative log-likelihood of the labels, `−(1/N) Σ log p(yᵢ)`, host float64 (tensors read
 * back once, not disposed). `Infinity` when a true label has probability 0 (clip the probabilities,
 * or better compute them from logits, to avoid it).
 *
 * @param probs see {@link ProbsInput}. @param labels integers in [0, K) (0/1 for binary), length N.
 */
export async function classificationNll(probs: ProbsInput, labels: VectorLike): Promise<number> {
  const { p, y } = await read('classificationNll', probs, labels);
  let s = 0;
  for (let i = 0; i < p.n; i++) s -= Math.log(probOfLabel(p, i, y[i]!));
  return s / p.n;
}

/**
 * The Brier score: binary `[N]` probabilities, `(1/N) Σ (pᵢ − yᵢ)²` (in [0, 1]); `[N, K]`
 * probabilities, `(1/N) Σᵢ Σₖ (pᵢₖ − 1[yᵢ = k])²` (in [0, 2]; twice the binary form for K = 2).
 */
export async function brierScore(probs: ProbsInput, labels: VectorLike): Promise<number> {
  const { p, y } = await read('brierScore', probs, labels);
  let s = 0;
  for (let i = 0; i < p.n; i++) {
    if (p.binary) s += (p.data[i]! - y[i]!) ** 2;
    else for (let k = 0; k < p.k; k++) s += (p.data[i * p.k + k]! - (y[i] === k ? 1 : 0)) ** 2;
  }
  return s / p.n;
}

/** Options of {@link expectedCalibrationError}. */
export interface EceOptions {
  /** The number of equal-width confidence bins over [0, 1] (default 10). */
  readonly bins?: number;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** The bin's lower edge: the bin is (lower, upper] (the first one includes 0). */
  readonly lower: number;
  /** The bin's upper edge. */
  readonly upper: number;
  /** The number of observations whose confidence falls in the bin. */
  readonly count: number;
  /** The fraction of those whose top label is right (NaN for an empty bin). */
  readonly accuracy: number;
  /** Their mean confidence (NaN for an empty bin). */
  readonly confidence: number;
}

/** What {@link expectedCalibrationError} returns. */
export interface EceResult {
  /** ECE = Σ_b (n_b / N) |accuracy_b − confidence_b|. */
  readonly ece: number;
  /** The maximum calibration error max_b |accuracy_b − confidence_b| over non-empty bins. */
  readonly mce: number;
  /** The reliability diagram. */
  readonly bins: readonly ReliabilityBin[];
}

/**
 * The top-label expected calibration error (Naeini et al. 2015; Guo et al. 2017): each observation's
 * confidence is its largest class probability (max(p, 1 − p) for binary) and it is right when that
 * class (the first on ties) is its label; confidences fall in `bins` equal-width bins (b/B, (b+1)/B];
 * ECE is the count-weighted mean |accuracy − confidence| over the bins. Host float64. Note the
 * estimator is biased upward by finite-bin noise (about √(2/π) Σ_b (n_b/N) sd_b with sd_b ≈ √(a(1 − a)/n_b)).
 */
export async function expectedCalibrationError(probs: ProbsInput, labels: VectorLike, options: EceOptions = {}): Promise<EceResult> {
  const fn = 'expectedCalibrationError';
  const nb = options.bins ?? 10;
  if (!Number.isInteger(nb) || nb < 1) throw new RangeError(`${fn}: option 'bins' must be an integer >= 1, got ${nb}`);
  const { p, y } = await read(fn, probs, labels);
  const count = new Float64Array(nb);
  const correct = new Float64Array(nb);
  const conf = new Float64Array(nb);
  for (let i = 0; i < p.n; i++) {
    let pred: number;
    let c: number;
    if (p.binary) {
      const q = p.data[i]!;
      pred = q > 0.5 ? 1 : 0;
      c = Math.max(q, 1 - q);
    } else {
      pred = 0;
      for (let k = 1; k < p.k; k++) if (p.data[i * p.k + k]! > p.data[i * p.k + pred]!) pred = k;
      c = p.data[i * p.k + pred]!;
    }
    const b = Math.min(nb - 1, Math.max(0, Math.ceil(c * nb) - 1));
    count[b]!++;
    conf[b]! += c;
    if (pred === y[i]) correct[b]!++;
  }
  let ece = 0;
  let mce = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < nb; b++) {
    const n = count[b]!;
    const acc = n > 0 ? correct[b]! / n : Number.NaN;
    const cf = n > 0 ? conf[b]! / n : Number.NaN;
    if (n > 0) {
      const gap = Math.abs(acc - cf);
      ece += (n / p.n) * gap;
      mce = Math.max(mce, gap);
    }
    bins.push({ lower: b / nb, upper: (b + 1) / nb, count: n, accuracy: acc, confidence: cf });
  }
  return { ece, mce, bins };
}
