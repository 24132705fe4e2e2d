/**
 * The training loops that bench/train-step.bench.ts times: the cluster-mass MLP
 * (14→128 relu→128 relu→64 tanh→1, MSE) and MDN (same trunk → Dense(48) → 16-component
 * `mixtureNormal` head, negative log-likelihood), trained with @probdl/optimizers' Adam through
 * `makeTrainStep`, on random data of the study's shape (261,287 rows × 14 features) that stays on
 * the device: a keyed permutation per epoch, one gather of the batch's rows per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { foldIn, key, random, tree, type PRNGKey, type Tree } from '@probdl/tensor-backend';
import { adam, makeTrainStep, type GradientTransformation, type OptState } from '@probdl/optimizers';
import { mlp } from '../../src/layers/index.js';
import { mixtureNormal } from '../../src/heads/index.js';
import { meanSquaredError, negativeLogLikelihood } from '../../src/losses/index.js';
import { mixtureNormalNll } from '../../src/fused/mixture-normal-nll.js';
import type { Module } from '../../src/core/module.js';

/** Rows and features of the cluster-mass training set. */
export const ROWS = 261_287;
export const FEATURES = 14;
/** Mixture components of the MDN head. */
export const COMPONENTS = 16;

export type ModelName = 'mlp' | 'mdn';

/** What one bench case trains. */
export interface TrainingSpec {
  readonly model: ModelName;
  readonly batch: number;
  /** Dense's fused path (hand-written gradient) or the plain tfjs ops. */
  readonly fusedDense: boolean;
  /** MDN only: the fused mixture NLL op, or the head's distribution + negativeLogLikelihood. */
  readonly fusedLoss: boolean;
  /**
   * Train one flat vector (`tree.ravel` of the parameters; the loss splits it back into leaves):
   * Adam then runs ~15 kernels per step instead of ~15 per leaf. Default false.
   */
  readonly flatParams?: boolean;
  /** Adam's and the mixture NLL's fused host kernels on cpu/wasm (default true); false: their tfjs-op paths. */
  readonly hostKernels?: boolean;
  readonly rows?: number;
}

/** A running training loop; `steps(n)` runs n steps and returns the last loss (the caller's). */
export interface TrainingLoop {
  steps(n: number): tf.Scalar;
  readonly stepsPerEpoch: number;
  /** The most bytes that tfjs tensors held after any step so far. */
  readonly peakTensorBytes: number;
  dispose(): void;
}

const HIDDEN = [128, 128, 64];
const ACTIVATIONS = ['relu', 'relu', 'tanh', 'identity'] as const;

function buildModel(spec: TrainingSpec): Module {
  const out = spec.model === 'mlp' ? 1 : mixtureNormal.paramsSize(COMPONENTS, [1]);
  return mlp([...HIDDEN, out], { activations: ACTIVATIONS, fused: spec.fusedDense });
}

function lossFunction(spec: TrainingSpec, model: Module): (params: Tree, x: tf.Tensor, y: tf.Tensor) => tf.Scalar {
  if (spec.model === 'mlp') return (p, x, y) => meanSquaredError(model.apply(p, x), y);
  const fusedKernel = spec.hostKernels ?? true;
  if (spec.fusedLoss) return (p, x, y) => mixtureNormalNll(model.apply(p, x), y, { numComponents: COMPONENTS, fusedKernel }) as tf.Scalar;
  const head = mixtureNormal(COMPONENTS, [1], { validateArgs: false });
  return (p, x, y) => {
    const dist = head.apply(model.apply(p, x));
    try {
      return negativeLogLikelihood(dist, y);
    } finally {
      dist.dispose();
    }
  };
}

/** Builds the data, the parameters and the optimizer state of one case (not timed). */
export function startTraining(spec: TrainingSpec, seed = 0): TrainingLoop {
  const rows = spec.rows ?? ROWS;
  const root = key(seed);
  const x = random.normal(foldIn(root, 1), [rows, FEATURES]);
  const y = random.normal(foldIn(root, 2), [rows, 1]);
  const model = buildModel(spec);
  const optimizer: GradientTransformation<OptState> = adam(1e-3, { fusedKernel: spec.hostKernels ?? true });
  const initial = model.init(foldIn(root, 3), [FEATURES]);
  const baseLoss = lossFunction(spec, model);
  let params: Tree;
  let lossFn = baseLoss;
  if (spec.flatParams === true) {
    // One tf.split unravels (its gradient is one concat); tree.ravel's own unravel slices leaf by
    // leaf, whose gradients are a pad per leaf plus the adds that sum them.
    const { flat } = tree.ravel(initial);
    const { leaves, treedef } = tree.flatten(initial);
    const shapes = leaves.map((l) => (l as tf.Tensor).shape);
    const sizes = shapes.map((sh) => sh.reduce((a, b) => a * b, 1));
    tree.dispose(initial);
    params = flat;
    lossFn = (theta, xb, yb) => {
      const pieces = tf.split(theta as tf.Tensor, sizes).map((t, j) => tf.reshape(t, shapes[j]!));
      return baseLoss(tree.unflatten(treedef, pieces) as Tree, xb, yb);
    };
  } else {
    params = initial;
  }
  const step = makeTrainStep(lossFn, optimizer);
  let optState = optimizer.init(params);
  const stepsPerEpoch = Math.floor(rows / spec.batch);
  let epoch = 0;
  let i = stepsPerEpoch;
  let perm: Int32Array = new Int32Array(0);
  let peak = 0;
  // A host permutation per epoch, and per step one upload of the batch's 512 (or 4096) indices and
  // a gather from the device-resident data: tfjs-wasm's Slice copies its whole source first
  // (readSync), so slicing a [261287, 14] dataset cost ~10 ms a step, the gather ~0.05 ms.
  const shuffle = (k: PRNGKey) => {
    perm = random.permutationIndices(k, rows);
  };
  shuffle(foldIn(root, 1000 + epoch++));
  i = 0;
  return {
    stepsPerEpoch,
    get peakTensorBytes() {
      return peak;
    },
    steps(n: number): tf.Scalar {
      let loss: tf.Scalar | undefined;
      for (let s = 0; s < n; s++) {
        if (i === stepsPerEpoch) {
          shuffle(foldIn(root, 1000 + epoch++));
          i = 0;
        }
        const start = i++ * spec.batch;
        const [xb, yb] = tf.tidy(() => {
          const idx = tf.tensor1d(perm.subarray(start, start + spec.batch), 'int32');
          return [tf.gather(x, idx), tf.gather(y, idx)];
        });
        loss?.dispose();
        const out = step(params, optState, xb!, yb!);
        tf.dispose([xb!, yb!]);
        params = out.params;
        optState = out.optState;
        loss = out.loss;
        peak = Math.max(peak, tf.memory().numBytes);
      }
      return loss!;
    },
    dispose() {
      tree.dispose([params, optState as Tree]);
      tf.dispose([x, y]);
    },
  };
}
