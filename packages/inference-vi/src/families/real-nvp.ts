import * as tf from '@tensorflow/tfjs-core';
import { Distribution, realVector, type Constraint, type TensorInput } from '@probdl/distributions';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import { checkDim, checkNoise } from './internal/util.js';
import type { VariationalFamily } from './types.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

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
export class RealNvpDistribution extends Distribution {
  readonly name = 'RealNvp';
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[];
  readonly reparameterized = true;
  readonly params: RealNvpParams;
  private readonly scaleClamp: number;

  constructor(params: RealNvpParams, options: Pick<RealNvpOptions, 'scaleClamp'> = {}) {
    super({ validateArgs: false });
    const d = checkRealNvpParams('RealNvpDistribution', params);
    this.params = params;
    this.eventShape = [d];
    this.scaleClamp = options.scaleClamp ?? 3;
  }

  get support(): Constraint {
    return realVector;
  }

  /** Clamped log-scale and shift of layer `i` at the conditioned input `xm` `[N, D]`, both zero on the mask. */
  private conditioner(i: number, xm: tf.Tensor, m: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const layer = this.params.layers[i]!;
    const d = this.eventShape[0]!;
    let h = xm;
    const n = layer.weights.length;
    for (let j = 0; j < n; j++) {
      h = tf.add(tf.matMul(h, layer.weights[j]!), layer.biases[j]!);
      if (j < n - 1) h = tf.tanh(h);
    }
    const [raw, shift] = tf.split(h, [d, d], 1) as [tf.Tensor, tf.Tensor];
    const free = tf.sub(1, m);
    const c = this.scaleClamp;
    const s = tf.mul(tf.mul(tf.tanh(tf.div(raw, c)), c), free);
    return [s, tf.mul(shift, free)];
  }

  /** z and log q(z) from base draws `eps` `[..., D]`: shapes `[..., D]` and `[...]`. */
  fromNoiseWithLogProb(eps: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const d = this.eventShape[0]!;
      const lead = eps.shape.slice(0, -1);
      let x = tf.reshape(eps, [-1, d]);
      let logDet = tf.zeros([x.shape[0]!]);
      this.params.layers.forEach((_, i) => {
        const m = couplingMask(d, i);
        const xm = tf.mul(x, m);
        const [s, t] = this.conditioner(i, xm, m);
        x = tf.add(xm, tf.mul(tf.sub(1, m), tf.add(tf.mul(x, tf.exp(s)), t)));
        logDet = tf.add(logDet, tf.sum(s, 1));
      });
      const z = tf.add(this.params.loc, tf.mul(tf.exp(this.params.logScale), x));
      logDet = tf.add(logDet, tf.sum(this.params.logScale));
      const base = tf.sub(tf.mul(-0.5, tf.sum(tf.square(tf.reshape(eps, [-1, d])), 1)), d * HALF_LOG_TWO_PI);
      return [tf.reshape(z, [...lead, d]), tf.reshape(tf.sub(base, logDet), lead)];
    });
  }

  /** The forward map alone: samples `[..., D]` from base draws `[..., D]`. */
  fromNoise(eps: tf.Tensor): tf.Tensor {
    const [z, lp] = this.fromNoiseWithLogProb(eps);
    lp.dispose();
    return z;
  }

  /** The inverse map z → ε and log|det ∂ε/∂z|: `[[..., D], [...]]`. */
  inverseWithLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const d = this.eventShape[0]!;
      const lead = z.shape.slice(0, -1);
      let x = tf.mul(tf.sub(tf.reshape(z, [-1, d]), this.params.loc), tf.exp(tf.neg(this.params.logScale)));
      let logDet = tf.fill([x.shape[0]!], 0);
      logDet = tf.sub(logDet, tf.sum(this.params.logScale));
      for (let i = this.params.layers.length - 1; i >= 0; i--) {
        const m = couplingMask(d, i);
        const xm = tf.mul(x, m);
        const [s, t] = this.conditioner(i, xm, m);
        x = tf.add(xm, tf.mul(tf.sub(1, m), tf.mul(tf.sub(x, t), tf.exp(tf.neg(s)))));
        logDet = tf.sub(logDet, tf.sum(s, 1));
      }
      return [tf.reshape(x, [...lead, d]), tf.reshape(logDet, lead)];
    });
  }

  sample(key: PRNGKey, sampleShape: number | readonly number[] = []): tf.Tensor {
    const shape = typeof sampleShape === 'number' ? [sampleShape] : [...sampleShape];
    return tf.tidy(() => this.fromNoise(random.normal(key, [...shape, this.eventShape[0]!])));
  }

  override sampleAndLogProb(key: PRNGKey, sampleShape: number | readonly number[] = []): [tf.Tensor, tf.Tensor] {
    const shape = typeof sampleShape === 'number' ? [sampleShape] : [...sampleShape];
    return tf.tidy(() => this.fromNoiseWithLogProb(random.normal(key, [...shape, this.eventShape[0]!])));
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = x instanceof tf.Tensor ? x : tf.tensor(x as number[]);
      const d = this.eventShape[0]!;
      if (z.rank < 1 || z.shape[z.rank - 1] !== d) {
        throw new RangeError(`RealNvpDistribution.logProb: argument 'x' must have shape [..., ${d}], got [${z.shape.join(', ')}]`);
      }
      const [eps, logDet] = this.inverseWithLogDet(z);
      return tf.add(tf.sub(tf.mul(-0.5, tf.sum(tf.square(eps), -1)), d * HALF_LOG_TWO_PI), logDet);
    });
  }
}

/** Checks the structure of RealNVP parameters; returns D. */
function checkRealNvpParams(fn: string, p: RealNvpParams): number {
  const bad = (why: string): never => {
    throw new RangeError(`${fn}: params must be { layers: [{ weights, biases }], loc: [D], logScale: [D] } (${why})`);
  };
  if (!(p?.loc instanceof tf.Tensor) || p.loc.rank !== 1) bad('loc');
  const d = p.loc.shape[0]!;
  if (d < 2) bad(`D must be >= 2 for a coupling flow, got ${d}`);
  if (!(p.logScale instanceof tf.Tensor) || p.logScale.rank !== 1 || p.logScale.shape[0] !== d) bad('logScale');
  if (!Array.isArray(p.layers)) bad('layers');
  p.layers.forEach((l, i) => {
    const ws = l?.weights;
    const bs = l?.biases;
    if (!Array.isArray(ws) || !Array.isArray(bs) || ws.length === 0 || ws.length !== bs.length) bad(`layers[${i}]`);
    let width = d;
    ws.forEach((w, j) => {
      const out = j === ws.length - 1 ? 2 * d : w?.shape?.[1];
      if (!(w instanceof tf.Tensor) || w.rank !== 2 || w.shape[0] !== width || w.shape[1] !== out) bad(`layers[${i}].weights[${j}]`);
      if (!(bs[j] instanceof tf.Tensor) || bs[j]!.rank !== 1 || bs[j]!.shape[0] !== out) bad(`layers[${i}].biases[${j}]`);
      width = out!;
    });
  });
  return d;
}

/**
 * The RealNVP family ({@link RealNvpDistribution}) for posteriors a Gaussian cannot fit. `init`
 * draws the hidden weights from N(0, 1/fan_in) and sets every output layer to zero, so the flow
 * starts as the affine map `loc + initScale·ε` (loc = 0): N(0, initScale² I). The conditioners are
 * plain tfjs ops (this package does not depend on nn-layers). No analytic entropy.
 */
export function realNvp(options: RealNvpOptions = {}): VariationalFamily<RealNvpParams> {
  const numLayers = options.numLayers ?? 4;
  const hidden = [...(options.hiddenUnits ?? [32, 32])];
  const initScale = options.initScale ?? 1;
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`realNvp: option 'numLayers' must be an integer >= 1, got ${numLayers}`);
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new RangeError(`realNvp: option 'hiddenUnits' must be positive integers, got [${hidden.join(', ')}]`);
  if (!(initScale > 0)) throw new RangeError(`realNvp: option 'initScale' must be positive, got ${initScale}`);
  const clamp = options.scaleClamp ?? 3;
  if (!(clamp > 0)) throw new RangeError(`realNvp: option 'scaleClamp' must be positive, got ${clamp}`);
  const build = (p: RealNvpParams): RealNvpDistribution => new RealNvpDistribution(p, { scaleClamp: clamp });
  return {
    name: 'realNvp',
    reparameterized: true,
    init(key: PRNGKey, dim: number): RealNvpParams {
      checkDim('realNvp.init', dim, 2);
      const keys = random.split(key, numLayers);
      const layers = keys.map((k) =>
        tf.tidy(() => {
          const sizes = [dim, ...hidden, 2 * dim];
          const ks = random.split(k, sizes.length - 1);
          const weights = ks.map((kk, j) =>
            j === sizes.length - 2 ? tf.zeros([sizes[j]!, sizes[j + 1]!]) : tf.mul(random.normal(kk, [sizes[j]!, sizes[j + 1]!]), 1 / Math.sqrt(sizes[j]!)),
          );
          const biases = sizes.slice(1).map((s) => tf.zeros([s]));
          return { weights, biases };
        }),
      );
      return { layers, loc: tf.zeros([dim]), logScale: tf.fill([dim], Math.log(initScale)) };
    },
    distribution: (params) => build(params),
    dim: (params) => checkRealNvpParams('realNvp.dim', params),
    noiseSize: (params) => checkRealNvpParams('realNvp.noiseSize', params),
    fromNoise(params, eps) {
      checkNoise('realNvp.fromNoise', eps, checkRealNvpParams('realNvp.fromNoise', params));
      return build(params).fromNoise(eps);
    },
    fromNoiseWithLogProb(params, eps) {
      checkNoise('realNvp.fromNoiseWithLogProb', eps, checkRealNvpParams('realNvp.fromNoiseWithLogProb', params));
      return build(params).fromNoiseWithLogProb(eps);
    },
  };
}
