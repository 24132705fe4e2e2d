import * as tf from '@tensorflow/tfjs-core';
import type { PRNGKey } from '@probdl/tensor-backend';
import { AffineFlowDistribution, checkFlowParams, conditionerScaleShift, flowFamily, initFlowParams, resolveFlowOptions } from './internal/flow.js';
import type { VariationalFamily } from './types.js';

/** One affine coupling layer's conditioner: an MLP `[D] → hidden… → [2D]` (log-scale and shift). */
export interface CouplingLayerParams {
  [k: string]: tf.Tensor[];
  /** Weight matrices, `[D, H1], [H1, H2], …, [Hn, 2D]`. */
  weights: tf.Tensor[];
  /** Biases, `[H1], …, [Hn], [2D]`. */
  biases: tf.Tensor[];
}

/** Parameters of {@link realNvp}: the coupling layers and a final elementwise affine map. */
export interface RealNvpParams {
  [k: string]: tf.Tensor | CouplingLayerParams[];
  /** The coupling layers, applied in order to the base draw. */
  layers: CouplingLayerParams[];
  /** Final shift, `[D]`. */
  loc: tf.Tensor;
  /** Final log-scale, `[D]`: z = loc + exp(logScale) ⊙ x. */
  logScale: tf.Tensor;
}

/** Options of {@link realNvp} and {@link RealNvpDistribution}. */
export interface RealNvpOptions {
  /** Number of coupling layers (default 4); the masks alternate between even and odd coordinates. */
  readonly numLayers?: number;
  /** Hidden layer widths of each conditioner (default [32, 32]). */
  readonly hiddenUnits?: readonly number[];
  /**
   * The log-scale of a coupling is `c·tanh(raw / c)` with c = `scaleClamp` (default 3), so that one
   * layer stretches by at most e^c and training cannot overflow.
   */
  readonly scaleClamp?: number;
  /** Standard deviation of the final scale at `init` (default 1: the flow starts as N(0, I)). */
  readonly initScale?: number;
}

/** Masks `[D]` (1 = passed through and conditioned on), alternating parity per layer. */
function couplingMask(d: number, layer: number): tf.Tensor {
  const m = new Float32Array(d);
  for (let j = 0; j < d; j++) m[j] = (j + layer) % 2 === 0 ? 1 : 0;
  return tf.tensor1d(m);
}

/**
 * The RealNVP normalising flow (Dinh et al. 2017) over `[D]`, D ≥ 2: a standard normal base draw ε
 * passes through affine coupling layers `x ← m⊙x + (1−m)⊙(x⊙exp(s(m⊙x)) + t(m⊙x))` (mask m
 * alternating between even and odd coordinates; s, t from a tanh MLP of the conditioned part) and
 * a final `z = loc + exp(logScale)⊙x`. The log density is exact by change of variables:
 * log q(z) = log N(ε; 0, I) − Σ_layers Σ (1−m)⊙s − Σ logScale, with ε recovered by inverting the
 * layers (`logProb`), or taken from the forward pass (`sampleAndLogProb`, `fromNoiseWithLogProb`).
 * Samples are reparameterised. Batch shape `[]`; inputs may carry any leading dimensions.
 */
export class RealNvpDistribution extends AffineFlowDistribution<RealNvpParams> {
  readonly name = 'RealNvp';

  constructor(params: RealNvpParams, options: Pick<RealNvpOptions, 'scaleClamp'> = {}) {
    super('RealNvpDistribution', params, checkRealNvpParams('RealNvpDistribution', params), options.scaleClamp ?? 3);
  }

  /** Clamped log-scale and shift of layer `i` at the conditioned input `xm` `[N, D]`, both zero on the mask. */
  private conditioner(i: number, xm: tf.Tensor, m: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const [s, shift] = conditionerScaleShift(this.params.layers[i]!, xm, this.eventShape[0]!, this.scaleClamp);
    const free = tf.sub(1, m);
    return [tf.mul(s, free), tf.mul(shift, free)];
  }

  protected forwardLayers(e: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const d = this.eventShape[0]!;
    let x = e;
    let logDet = tf.zeros([x.shape[0]!]);
    this.params.layers.forEach((_, i) => {
      const m = couplingMask(d, i);
      const xm = tf.mul(x, m);
      const [s, t] = this.conditioner(i, xm, m);
      x = tf.add(xm, tf.mul(tf.sub(1, m), tf.add(tf.mul(x, tf.exp(s)), t)));
      logDet = tf.add(logDet, tf.sum(s, 1));
    });
    return [x, logDet];
  }

  protected inverseLayers(y: tf.Tensor, logDet0: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const d = this.eventShape[0]!;
    let x = y;
    let logDet = logDet0;
    for (let i = this.params.layers.length - 1; i >= 0; i--) {
      const m = couplingMask(d, i);
      const xm = tf.mul(x, m);
      const [s, t] = this.conditioner(i, xm, m);
      x = tf.add(xm, tf.mul(tf.sub(1, m), tf.mul(tf.sub(x, t), tf.exp(tf.neg(s)))));
      logDet = tf.sub(logDet, tf.sum(s, 1));
    }
    return [x, logDet];
  }
}

/** Checks the structure of RealNVP parameters; returns D. */
function checkRealNvpParams(fn: string, p: RealNvpParams): number {
  return checkFlowParams(fn, p, { minWeights: 1, layerWhy: '', dWhy: ' for a coupling flow' });
}

/**
 * The RealNVP family ({@link RealNvpDistribution}) for posteriors a Gaussian cannot fit. `init`
 * draws the hidden weights from N(0, 1/fan_in) and sets every output layer to zero, so the flow
 * starts as the affine map `loc + initScale·ε` (loc = 0): N(0, initScale² I). The conditioners are
 * plain tfjs ops (this package does not depend on nn-layers). No analytic entropy.
 */
export function realNvp(options: RealNvpOptions = {}): VariationalFamily<RealNvpParams> {
  const resolved = resolveFlowOptions('realNvp', options, (hidden) => {
    if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new RangeError(`realNvp: option 'hiddenUnits' must be positive integers, got [${hidden.join(', ')}]`);
  });
  const init = (key: PRNGKey, dim: number): RealNvpParams => initFlowParams(key, dim, resolved) as RealNvpParams;
  return flowFamily('realNvp', init, checkRealNvpParams, (p) => new RealNvpDistribution(p, { scaleClamp: resolved.clamp }));
}
