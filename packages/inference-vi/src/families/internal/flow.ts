import * as tf from '@tensorflow/tfjs-core';
import { Distribution, realVector, type Constraint, type TensorInput } from '@probdl/distributions';
import { random, type PRNGKey } from '@probdl/tensor-backend';
import type { VariationalFamily } from '../types.js';
import { checkDim, checkNoise } from './util.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** One conditioner's weights `[D, H1], …, [Hn, 2D]` and biases (`MadeLayerParams`, `CouplingLayerParams`). */
export type ConditionerParams = { [k: string]: tf.Tensor[]; weights: tf.Tensor[]; biases: tf.Tensor[] };

/** What the parameters of every affine-output flow hold (`IafParams`, `RealNvpParams`): layers, then z = loc + exp(logScale) ⊙ x. */
export type FlowParams = { [k: string]: tf.Tensor | ConditionerParams[]; layers: ConditionerParams[]; loc: tf.Tensor; logScale: tf.Tensor };

/** The options every flow family shares (see `RealNvpOptions`, `IafOptions`). */
export interface FlowOptions {
  readonly numLayers?: number;
  readonly hiddenUnits?: readonly number[];
  readonly scaleClamp?: number;
  readonly initScale?: number;
}

/** The options with their defaults filled in. */
export interface ResolvedFlowOptions {
  readonly numLayers: number;
  readonly hidden: number[];
  readonly initScale: number;
  readonly clamp: number;
}

/** log N(e; 0, I) of rows `e` `[..., D]` summed over `axis`. */
function standardNormalLogDensity(e: tf.Tensor, d: number, axis: number): tf.Tensor {
  return tf.sub(tf.mul(-0.5, tf.sum(tf.square(e), axis)), d * HALF_LOG_TWO_PI);
}

/**
 * Runs a conditioner MLP on `x` `[N, D]` (tanh between layers; each weight multiplied by `masks[j]`
 * when given) and returns its output split into the log-scale `c·tanh(raw / c)` and the shift.
 */
export function conditionerScaleShift(layer: ConditionerParams, x: tf.Tensor, d: number, clamp: number, masks?: readonly tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  let h = x;
  const n = layer.weights.length;
  for (let j = 0; j < n; j++) {
    const w = masks ? tf.mul(layer.weights[j]!, masks[j]!) : layer.weights[j]!;
    h = tf.add(tf.matMul(h, w), layer.biases[j]!);
    if (j < n - 1) h = tf.tanh(h);
  }
  const [raw, shift] = tf.split(h, [d, d], 1) as [tf.Tensor, tf.Tensor];
  return [tf.mul(tf.tanh(tf.div(raw, clamp)), clamp), shift];
}

/**
 * A flow over `[D]` whose base is N(0, I) and whose last step is `z = loc + exp(logScale) ⊙ x`:
 * subclasses supply the layers (`forwardLayers`, `inverseLayers`); this class does the reshaping,
 * the final affine map, the log-determinant bookkeeping, sampling and `logProb`.
 */
export abstract class AffineFlowDistribution<P extends FlowParams> extends Distribution {
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[];
  readonly reparameterized = true;
  readonly params: P;
  protected readonly scaleClamp: number;
  /** The class name that `logProb` errors start with. */
  private readonly label: string;

  constructor(label: string, params: P, d: number, scaleClamp = 3) {
    super({ validateArgs: false });
    this.label = label;
    this.eventShape = [d];
    this.params = params;
    this.scaleClamp = scaleClamp;
  }

  get support(): Constraint {
    return realVector;
  }

  /** The layers applied to base draws `x` `[N, D]`: the result `[N, D]` and Σ log|det| `[N]`. */
  protected abstract forwardLayers(x: tf.Tensor): [tf.Tensor, tf.Tensor];

  /** The layers inverted on `y` `[N, D]`, subtracting each layer's log|det| from `logDet` `[N]`. */
  protected abstract inverseLayers(y: tf.Tensor, logDet: tf.Tensor): [tf.Tensor, tf.Tensor];

  /** z and log q(z) from base draws `eps` `[..., D]`: shapes `[..., D]` and `[...]`. */
  fromNoiseWithLogProb(eps: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const d = this.eventShape[0]!;
      const lead = eps.shape.slice(0, -1);
      const e = tf.reshape(eps, [-1, d]);
      const [x, layersLogDet] = this.forwardLayers(e);
      const z = tf.add(this.params.loc, tf.mul(tf.exp(this.params.logScale), x));
      const logDet = tf.add(layersLogDet, tf.sum(this.params.logScale));
      const base = standardNormalLogDensity(e, d, 1);
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
      const y = tf.mul(tf.sub(tf.reshape(z, [-1, d]), this.params.loc), tf.exp(tf.neg(this.params.logScale)));
      const logDet = tf.sub(tf.zeros([y.shape[0]!]), tf.sum(this.params.logScale));
      const [eps, total] = this.inverseLayers(y, logDet);
      return [tf.reshape(eps, [...lead, d]), tf.reshape(total, lead)];
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
        throw new RangeError(`${this.label}.logProb: argument 'x' must have shape [..., ${d}], got [${z.shape.join(', ')}]`);
      }
      const [eps, logDet] = this.inverseWithLogDet(z);
      return tf.add(standardNormalLogDensity(eps, d, -1), logDet);
    });
  }
}

/**
 * Checks the structure of flow parameters; returns D. Each layer needs at least `minWeights` weight
 * matrices (`layerWhy` is appended to the error otherwise); `dWhy` qualifies the D ≥ 2 error.
 */
export function checkFlowParams(fn: string, p: FlowParams, rules: { minWeights: number; layerWhy: string; dWhy: string }): number {
  const bad = (why: string): never => {
    throw new RangeError(`${fn}: params must be { layers: [{ weights, biases }], loc: [D], logScale: [D] } (${why})`);
  };
  if (!(p?.loc instanceof tf.Tensor) || p.loc.rank !== 1) bad('loc');
  const d = p.loc.shape[0]!;
  if (d < 2) bad(`D must be >= 2${rules.dWhy}, got ${d}`);
  if (!(p.logScale instanceof tf.Tensor) || p.logScale.rank !== 1 || p.logScale.shape[0] !== d) bad('logScale');
  if (!Array.isArray(p.layers)) bad('layers');
  p.layers.forEach((l, i) => {
    const ws = l?.weights;
    const bs = l?.biases;
    if (!Array.isArray(ws) || !Array.isArray(bs) || ws.length < rules.minWeights || ws.length !== bs.length) bad(`layers[${i}]${rules.layerWhy}`);
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

/** Reads and validates the shared flow options; `checkHidden` validates the hidden widths (after `numLayers`). */
export function resolveFlowOptions(fn: string, options: FlowOptions, checkHidden: (hidden: number[]) => void): ResolvedFlowOptions {
  const numLayers = options.numLayers ?? 4;
  const hidden = [...(options.hiddenUnits ?? [32, 32])];
  const initScale = options.initScale ?? 1;
  const clamp = options.scaleClamp ?? 3;
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`${fn}: option 'numLayers' must be an integer >= 1, got ${numLayers}`);
  checkHidden(hidden);
  if (!(initScale > 0)) throw new RangeError(`${fn}: option 'initScale' must be positive, got ${initScale}`);
  if (!(clamp > 0)) throw new RangeError(`${fn}: option 'scaleClamp' must be positive, got ${clamp}`);
  return { numLayers, hidden, initScale, clamp };
}

/**
 * Initial flow parameters over `[dim]`: `numLayers` conditioners with hidden weights from
 * N(0, 1/fan_in) and zero output layers and biases, and the final map `initScale·x` — together
 * N(0, initScale² I).
 */
export function initFlowParams(key: PRNGKey, dim: number, { numLayers, hidden, initScale }: ResolvedFlowOptions): FlowParams {
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
}

/**
 * The variational-family object of a flow named `fn`: `init` checks `dim` (at least 2) and calls
 * `init`; the other members check the parameters with `check` and defer to `build(params)`.
 */
export function flowFamily<P extends FlowParams>(
  fn: string,
  init: (key: PRNGKey, dim: number) => P,
  check: (where: string, params: P) => number,
  build: (params: P) => AffineFlowDistribution<P>,
): VariationalFamily<P> {
  return {
    name: fn,
    reparameterized: true,
    init(key: PRNGKey, dim: number): P {
      checkDim(`${fn}.init`, dim, 2);
      return init(key, dim);
    },
    distribution: (params) => build(params),
    dim: (params) => check(`${fn}.dim`, params),
    noiseSize: (params) => check(`${fn}.noiseSize`, params),
    fromNoise(params, eps) {
      checkNoise(`${fn}.fromNoise`, eps, check(`${fn}.fromNoise`, params));
      return build(params).fromNoise(eps);
    },
    fromNoiseWithLogProb(params, eps) {
      checkNoise(`${fn}.fromNoiseWithLogProb`, eps, check(`${fn}.fromNoiseWithLogProb`, params));
      return build(params).fromNoiseWithLogProb(eps);
    },
  };
}
