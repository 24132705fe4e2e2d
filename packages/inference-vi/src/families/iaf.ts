import * as tf from '@tensorflow/tfjs-core';
import { Distribution, realVector, type Constraint, type TensorInput } from '@probdl/distributions';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import { checkDim, checkNoise } from './internal/util.js';
import type { VariationalFamily } from './types.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

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
export class IafDistribution extends Distribution {
  readonly name = 'InverseAutoregressiveFlow';
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[];
  readonly reparameterized = true;
  readonly params: IafParams;
  private readonly scaleClamp: number;

  constructor(params: IafParams, options: Pick<IafOptions, 'scaleClamp'> = {}) {
    super({ validateArgs: false });
    this.eventShape = [checkIafParams('IafDistribution', params)];
    this.params = params;
    this.scaleClamp = options.scaleClamp ?? 3;
  }

  get support(): Constraint {
    return realVector;
  }

  /** The clamped log-scale and shift of layer `i` at `x` `[N, D]` (in that layer's order). */
  private made(i: number, x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const layer = this.params.layers[i]!;
    const d = this.eventShape[0]!;
    const masks = madeMasks(d, layer.weights.slice(0, -1).map((w) => w.shape[1]!));
    let h = x;
    layer.weights.forEach((w, j) => {
      h = tf.add(tf.matMul(h, tf.mul(w, masks[j]!)), layer.biases[j]!);
      if (j < layer.weights.length - 1) h = tf.tanh(h);
    });
    const [raw, shift] = tf.split(h, [d, d], 1) as [tf.Tensor, tf.Tensor];
    const c = this.scaleClamp;
    return [tf.mul(tf.tanh(tf.div(raw, c)), c), shift];
  }

  /** z and log q(z) from base draws `eps` `[..., D]`. */
  fromNoiseWithLogProb(eps: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const d = this.eventShape[0]!;
      const lead = eps.shape.slice(0, -1);
      const e = tf.reshape(eps, [-1, d]);
      let x = e;
      let logDet = tf.zeros([x.shape[0]!]);
      this.params.layers.forEach((_, i) => {
        if (i > 0) x = tf.reverse(x, 1);
        const [s, t] = this.made(i, x);
        x = tf.add(tf.mul(x, tf.exp(s)), t);
        logDet = tf.add(logDet, tf.sum(s, 1));
      });
      if (this.params.layers.length % 2 === 0 && this.params.layers.length > 0) x = tf.reverse(x, 1); // back to the natural order
      const z = tf.add(this.params.loc, tf.mul(tf.exp(this.params.logScale), x));
      logDet = tf.add(logDet, tf.sum(this.params.logScale));
      const base = tf.sub(tf.mul(-0.5, tf.sum(tf.square(e), 1)), d * HALF_LOG_TWO_PI);
      return [tf.reshape(z, [...lead, d]), tf.reshape(tf.sub(base, logDet), lead)];
    });
  }

  /** The forward map alone. */
  fromNoise(eps: tf.Tensor): tf.Tensor {
    const [z, lp] = this.fromNoiseWithLogProb(eps);
    lp.dispose();
    return z;
  }

  /** The inverse z → ε (D sequential passes per layer) and log|det ∂ε/∂z|. */
  inverseWithLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const d = this.eventShape[0]!;
      const lead = z.shape.slice(0, -1);
      const n = this.params.layers.length;
      let y = tf.mul(tf.sub(tf.reshape(z, [-1, d]), this.params.loc), tf.exp(tf.neg(this.params.logScale)));
      let logDet = tf.sub(tf.zeros([y.shape[0]!]), tf.sum(this.params.logScale));
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
      return [tf.reshape(y, [...lead, d]), tf.reshape(logDet, lead)];
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
        throw new RangeError(`IafDistribution.logProb: argument 'x' must have shape [..., ${d}], got [${z.shape.join(', ')}]`);
      }
      const [eps, logDet] = this.inverseWithLogDet(z);
      return tf.add(tf.sub(tf.mul(-0.5, tf.sum(tf.square(eps), -1)), d * HALF_LOG_TWO_PI), logDet);
    });
  }
}

function checkIafParams(fn: string, p: IafParams): number {
  const bad = (why: string): never => {
    throw new RangeError(`${fn}: params must be { layers: [{ weights, biases }], loc: [D], logScale: [D] } (${why})`);
  };
  if (!(p?.loc instanceof tf.Tensor) || p.loc.rank !== 1) bad('loc');
  const d = p.loc.shape[0]!;
  if (d < 2) bad(`D must be >= 2, got ${d}`);
  if (!(p.logScale instanceof tf.Tensor) || p.logScale.rank !== 1 || p.logScale.shape[0] !== d) bad('logScale');
  if (!Array.isArray(p.layers)) bad('layers');
  p.layers.forEach((l, i) => {
    const ws = l?.weights;
    const bs = l?.biases;
    if (!Array.isArray(ws) || !Array.isArray(bs) || ws.length < 2 || ws.length !== bs.length) bad(`layers[${i}] needs at least one hidden layer`);
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
 * The inverse autoregressive flow family ({@link IafDistribution}). `init` draws hidden weights from
 * N(0, 1/fan_in) and zeroes the output layers, so the flow starts as N(0, initScale² I). The ELBO
 * uses `fromNoiseWithLogProb` (one pass per layer); sticking-the-landing and the score-function
 * estimator need `logProb`, which inverts the layers sequentially. No analytic entropy.
 */
export function inverseAutoregressiveFlow(options: IafOptions = {}): VariationalFamily<IafParams> {
  const numLayers = options.numLayers ?? 4;
  const hidden = [...(options.hiddenUnits ?? [32, 32])];
  const initScale = options.initScale ?? 1;
  const clamp = options.scaleClamp ?? 3;
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`inverseAutoregressiveFlow: option 'numLayers' must be an integer >= 1, got ${numLayers}`);
  if (hidden.length === 0 || hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new RangeError(`inverseAutoregressiveFlow: option 'hiddenUnits' must be one or more positive integers, got [${hidden.join(', ')}]`);
  }
  if (!(initScale > 0)) throw new RangeError(`inverseAutoregressiveFlow: option 'initScale' must be positive, got ${initScale}`);
  if (!(clamp > 0)) throw new RangeError(`inverseAutoregressiveFlow: option 'scaleClamp' must be positive, got ${clamp}`);
  const build = (p: IafParams): IafDistribution => new IafDistribution(p, { scaleClamp: clamp });
  const fn = 'inverseAutoregressiveFlow';
  return {
    name: fn,
    reparameterized: true,
    init(key: PRNGKey, dim: number): IafParams {
      checkDim(`${fn}.init`, dim, 2);
      if (hidden.some((h) => h < dim - 1)) throw new RangeError(`${fn}.init: every hidden width must be >= D - 1 = ${dim - 1}, got [${hidden.join(', ')}]`);
      const layers = random.split(key, numLayers).map((k) =>
        tf.tidy(() => {
          const sizes = [dim, ...hidden, 2 * dim];
          const ks = random.split(k, sizes.length - 1);
          const weights = ks.map((kk, j) =>
            j === sizes.length - 2 ? tf.zeros([sizes[j]!, sizes[j + 1]!]) : tf.mul(random.normal(kk, [sizes[j]!, sizes[j + 1]!]), 1 / Math.sqrt(sizes[j]!)),
          );
          return { weights, biases: sizes.slice(1).map((s) => tf.zeros([s])) };
        }),
      );
      return { layers, loc: tf.zeros([dim]), logScale: tf.fill([dim], Math.log(initScale)) };
    },
    distribution: (params) => build(params),
    dim: (params) => checkIafParams(`${fn}.dim`, params),
    noiseSize: (params) => checkIafParams(`${fn}.noiseSize`, params),
    fromNoise(params, eps) {
      checkNoise(`${fn}.fromNoise`, eps, checkIafParams(`${fn}.fromNoise`, params));
      return build(params).fromNoise(eps);
    },
    fromNoiseWithLogProb(params, eps) {
      checkNoise(`${fn}.fromNoiseWithLogProb`, eps, checkIafParams(`${fn}.fromNoiseWithLogProb`, params));
      return build(params).fromNoiseWithLogProb(eps);
    },
  };
}
