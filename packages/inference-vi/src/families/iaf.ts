import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { AffineFlowDistribution, checkFlowParams, conditionerScaleShift, flowFamily, initFlowParams, resolveFlowOptions } from './internal/flow.js';
import type { VariationalFamily } from './types.js';

/** One autoregressive layer: a MADE network `[D] → hidden… → [2D]` whose weights are masked on use. */
export interface MadeLayerParams {
  [k: string]: tf.Tensor[];
  /** Weight matrices `[D, H1], …, [Hn, 2D]` (the autoregressive masks are applied on use). */
  weights: tf.Tensor[];
  /** Biases `[H1], …, [Hn], [2D]`. */
  biases: tf.Tensor[];
}

/** Parameters of {@link inverseAutoregressiveFlow}. */
export interface IafParams {
  [k: string]: tf.Tensor | MadeLayerParams[];
  /** The autoregressive layers, applied in order to the base draw. */
  layers: MadeLayerParams[];
  /** Final shift, `[D]`. */
  loc: tf.Tensor;
  /** Final log-scale, `[D]`: z = loc + exp(logScale) ⊙ x. */
  logScale: tf.Tensor;
}

/** Options of {@link inverseAutoregressiveFlow}. */
export interface IafOptions {
  /** Number of autoregressive layers (default 4); the variable order is reversed between layers. */
  readonly numLayers?: number;
  /** Hidden widths of each MADE network (default [32, 32]; each at least D − 1 so that every degree occurs). */
  readonly hiddenUnits?: readonly number[];
  /** Log-scales are `c·tanh(raw / c)` with c = `scaleClamp` (default 3). */
  readonly scaleClamp?: number;
  /** Standard deviation of the final scale at `init` (default 1). */
  readonly initScale?: number;
}

/**
 * MADE masks (Germain et al. 2015) for widths `[D, H1, …, Hn, 2D]`: input degrees 1..D, hidden
 * degrees cycling through 1..D−1, outputs (shift and log-scale of coordinate i) of degree i, so
 * output i depends on inputs 1..i−1 only. Float32 `[in, out]` masks, one per weight matrix.
 */
function madeMasks(d: number, hidden: readonly number[]): tf.Tensor[] {
  const degIn = Array.from({ length: d }, (_, i) => i + 1);
  const hiddenDeg = hidden.map((h) => Array.from({ length: h }, (_, k) => (k % Math.max(d - 1, 1)) + 1));
  const degOut = [...degIn, ...degIn];
  const layersDeg = [degIn, ...hiddenDeg];
  return layersDeg.map((from, l) => {
    const isOut = l === layersDeg.length - 1;
    const to = isOut ? degOut : layersDeg[l + 1]!;
    const m = new Float32Array(from.length * to.length);
    for (let i = 0; i < from.length; i++) for (let j = 0; j < to.length; j++) m[i * to.length + j] = (isOut ? to[j]! > from[i]! : to[j]! >= from[i]!) ? 1 : 0;
    return tf.tensor2d(m, [from.length, to.length]);
  });
}

/**
 * The inverse autoregressive flow (Kingma et al. 2016) over `[D]`, D ≥ 2: each layer maps
 * `y_i = x_i exp(s_i(x_<i)) + t_i(x_<i)` with (s, t) from a MADE network, the coordinate order
 * reversed between layers; then `z = loc + exp(logScale) ⊙ x`. Sampling with its log density is one
 * pass per layer (log q = log N(ε) − Σ s − Σ logScale), the form VI uses; `logProb` of an arbitrary
 * z inverts each layer with D sequential passes (exact, slower). Samples are reparameterised.
 */
export class IafDistribution extends AffineFlowDistribution<IafParams> {
  readonly name = 'InverseAutoregressiveFlow';

  constructor(params: IafParams, options: Pick<IafOptions, 'scaleClamp'> = {}) {
    super('IafDistribution', params, checkIafParams('IafDistribution', params), options.scaleClamp ?? 3);
  }

  /** The clamped log-scale and shift of layer `i` at `x` `[N, D]` (in that layer's order). */
  private made(i: number, x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const layer = this.params.layers[i]!;
    const d = this.eventShape[0]!;
    const masks = madeMasks(d, layer.weights.slice(0, -1).map((w) => w.shape[1]!));
    return conditionerScaleShift(layer, x, d, this.scaleClamp, masks);
  }

  protected forwardLayers(e: tf.Tensor): [tf.Tensor, tf.Tensor] {
    let x = e;
    let logDet = tf.zeros([x.shape[0]!]);
    this.params.layers.forEach((_, i) => {
      if (i > 0) x = tf.reverse(x, 1);
      const [s, t] = this.made(i, x);
      x = tf.add(tf.mul(x, tf.exp(s)), t);
      logDet = tf.add(logDet, tf.sum(s, 1));
    });
    if (this.params.layers.length % 2 === 0 && this.params.layers.length > 0) x = tf.reverse(x, 1); // back to the natural order
    return [x, logDet];
  }

  /** Inverts each layer with D sequential passes. */
  protected inverseLayers(y0: tf.Tensor, logDet0: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const d = this.eventShape[0]!;
    const n = this.params.layers.length;
    let y = y0;
    let logDet = logDet0;
    if (n % 2 === 0 && n > 0) y = tf.reverse(y, 1);
    for (let i = n - 1; i >= 0; i--) {
      // Fixed point of x = (y − t(x)) exp(−s(x)): coordinate k is exact after k + 1 passes.
      let x = tf.zerosLike(y);
      let s = tf.zerosLike(y);
      for (let k = 0; k < d; k++) {
        const [sk, tk] = this.made(i, x);
        x = tf.mul(tf.sub(y, tk), tf.exp(tf.neg(sk)));
        s = sk;
      }
      logDet = tf.sub(logDet, tf.sum(s, 1));
      y = i > 0 ? tf.reverse(x, 1) : x;
    }
    return [y, logDet];
  }
}

function checkIafParams(fn: string, p: IafParams): number {
  return checkFlowParams(fn, p, { minWeights: 2, layerWhy: ' needs at least one hidden layer', dWhy: '' });
}

/**
 * The inverse autoregressive flow family ({@link IafDistribution}). `init` draws hidden weights from
 * N(0, 1/fan_in) and zeroes the output layers, so the flow starts as N(0, initScale² I). The ELBO
 * uses `fromNoiseWithLogProb` (one pass per layer); sticking-the-landing and the score-function
 * estimator need `logProb`, which inverts the layers sequentially. No analytic entropy.
 */
export function inverseAutoregressiveFlow(options: IafOptions = {}): VariationalFamily<IafParams> {
  const fn = 'inverseAutoregressiveFlow';
  const resolved = resolveFlowOptions(fn, options, (hidden) => {
    if (hidden.length === 0 || hidden.some((h) => !Number.isInteger(h) || h < 1)) {
      throw new RangeError(`${fn}: option 'hiddenUnits' must be one or more positive integers, got [${hidden.join(', ')}]`);
    }
  });
  const { hidden, clamp } = resolved;
  const init = (key: PRNGKey, dim: number): IafParams => {
    if (hidden.some((h) => h < dim - 1)) throw new RangeError(`${fn}.init: every hidden width must be >= D - 1 = ${dim - 1}, got [${hidden.join(', ')}]`);
    return initFlowParams(key, dim, resolved) as IafParams;
  };
  return flowFamily(fn, init, checkIafParams, (p) => new IafDistribution(p, { scaleClamp: clamp }));
}
