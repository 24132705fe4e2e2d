// The two models and their training steps, composed from the packages' public APIs: an MDN
// (probabilisticMlp + mixtureNormal, trained on its negative log-likelihood) and a BNN (bayesianMlp
// with reparameterisation layers and a learned noise, trained on the Bayes-by-backprop loss; one
// weight draw per pass, so each predictive draw is a smooth function). Each gives its band on a grid.
import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { adam, makeTrainStep } from '@probdl/optimizers';
import { bayesianMlp, mixtureNormal, negativeLogLikelihood, probabilisticMlp } from '@probdl/nn-layers';
import { bayesByBackpropLoss, heteroscedasticGaussianLikelihood, predictiveSamples } from '@probdl/inference-vi';
import { standardize, type Point, type Scaling } from './data.js';
import { drawsBand, mdnBand, type BandRow } from './band.js';

export type ModelKind = 'mdn' | 'bnn';
export const MODEL_KINDS: readonly ModelKind[] = ['mdn', 'bnn'];

export const MODEL_LABELS: Record<ModelKind, string> = {
  mdn: 'MDN: 1 → 32 tanh → 32 tanh → 3 Normal components (NLL)',
  bnn: 'BNN: Bayesian 1 → 16 tanh → 16 tanh → (mean, scale) (Bayes by backprop)',
};

/** The page's choices: the two trained models and a small BNN sampled with NUTS (src/nuts-model.ts). */
export type PageModel = ModelKind | 'nuts';
export const PAGE_MODELS: readonly PageModel[] = [...MODEL_KINDS, 'nuts'];
export const PAGE_MODEL_LABELS: Record<PageModel, string> = {
  ...MODEL_LABELS,
  nuts: 'BNN with NUTS: 1 → 8 tanh → 1, learned noise, N(0, 1) priors (4 chains)',
};

/** A model being trained on one data set; `dispose` frees its tensors. */
export interface Trainer {
  readonly kind: ModelKind;
  /** Steps taken so far. */
  readonly steps: number;
  /** One optimizer step; resolves to the loss before it. */
  step(): Promise<number>;
  /** The predictive band on the grid xs (plot coordinates). */
  band(xs: readonly number[]): Promise<BandRow[]>;
  dispose(): void;
}

export interface TrainerOptions {
  readonly seed?: number;
  readonly learningRate?: number;
  /**
   * β, the BNN's KL weight (default {@link DEFAULT_KL_WEIGHT}). β = 1 is the ELBO, which on a few
   * dozen points leaves the weights near their N(0, 1) prior (a wide, flat band); a smaller β
   * tempers the prior so the mean follows the data.
   */
  readonly klWeight?: number;
}

export const DEFAULT_KL_WEIGHT = 0.01;

const MDN_COMPONENTS = 3;
/** Weight draws behind the BNN's band. */
const BNN_DRAWS = 24;

type Params = Tree;

function tensors(points: readonly Point[]): { x: tf.Tensor2D; y: tf.Tensor2D; scaling: Scaling } {
  const s = standardize(points);
  return { x: tf.tensor2d(s.x, [s.x.length, 1]), y: tf.tensor2d(s.y, [s.y.length, 1]), scaling: s.scaling };
}

/** Builds a trainer of `kind` on `points` (at least 2). */
export function createTrainer(kind: ModelKind, points: readonly Point[], options: TrainerOptions = {}): Trainer {
  const root = key(options.seed ?? 0);
  const [initKey, stepKey, bandKey] = [foldIn(root, 0), foldIn(root, 1), foldIn(root, 2)];
  const { x, y, scaling } = tensors(points);
  const toGrid = (xs: readonly number[]) => tf.tensor2d(xs.map((v) => (v - scaling.xMean) / scaling.xStd), [xs.length, 1]);

  if (kind === 'mdn') {
    const mdn = probabilisticMlp([32, 32], mixtureNormal(MDN_COMPONENTS, [1]), { activation: 'tanh' });
    const optimizer = adam(options.learningRate ?? 1e-2);
    const trainStep = makeTrainStep((p: Params, xb: tf.Tensor, yb: tf.Tensor) => negativeLogLikelihood(mdn.apply(p as never, xb), yb), optimizer);
    const params = mdn.init(initKey, [1]) as Params;
    return loop(kind, params, optimizer.init(params), (p, s) => trainStep(p, s, x, y), async (params, xs) => {
      const features = tf.tidy(() => mdn.body.apply(params as never, toGrid(xs)));
      const values = await features.data();
      features.dispose();
      return mdnBand(values, xs, MDN_COMPONENTS, scaling);
    }, [x, y]);
  }

  const net = bayesianMlp([16, 16, 2], { layer: 'reparameterization', activation: 'tanh' });
  const likelihood = heteroscedasticGaussianLikelihood();
  const lossFn = (p: Params, k: PRNGKey) => bayesByBackpropLoss(net, p as never, x, y, { key: k, likelihood, klWeight: options.klWeight ?? DEFAULT_KL_WEIGHT });
  const optimizer = adam(options.learningRate ?? 2e-2);
  const trainStep = makeTrainStep(lossFn, optimizer);
  const params = net.init(initKey, [1]) as Params;
  let count = 0;
  return loop(kind, params, optimizer.init(params), (p, s) => trainStep(p, s, foldIn(stepKey, count++)), async (params, xs) => {
    const [means, scales] = tf.tidy(() => {
      const out = predictiveSamples(net, params as never, toGrid(xs), foldIn(bandKey, count), { numSamples: BNN_DRAWS }); // [S, G, 2]
      const [s, g] = [out.shape[0]!, out.shape[1]!];
      const m = tf.reshape(tf.slice(out, [0, 0, 0], [s, g, 1]), [s, g]);
      const u = tf.reshape(tf.slice(out, [0, 0, 1], [s, g, 1]), [s, g]);
      // heteroscedasticGaussianLikelihood's scale: softplus(u) + 1e-6.
      return [m, tf.add(tf.softplus(u), 1e-6)];
    });
    const [mv, sv] = await Promise.all([means.data(), scales.data()]);
    tf.dispose([means, scales]);
    return drawsBand(mv, sv, xs, scaling);
  }, [x, y]);
}

function loop<S>(
  kind: ModelKind,
  init: Params,
  initState: S,
  run: (params: Params, state: S) => { params: Params; optState: S; loss: tf.Scalar },
  band: (params: Params, xs: readonly number[]) => Promise<BandRow[]>,
  data: tf.Tensor[],
): Trainer {
  let params = init;
  let state = initState;
  let steps = 0;
  return {
    kind,
    get steps() {
      return steps;
    },
    async step() {
      const out = run(params, state);
      params = out.params;
      state = out.optState;
      steps++;
      const value = (await out.loss.data())[0]!;
      out.loss.dispose();
      return value;
    },
    band: (xs) => band(params, xs),
    dispose() {
      tree.dispose([params, state as Tree]);
      tf.dispose(data);
    },
  };
}
