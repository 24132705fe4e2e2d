/**
 * One Adam update (`adam(1e-3).update` + `applyUpdates`) over the parameters of the cluster-mass
 * MLP, 14→128→128→64→1 (8 tensors, 27,009 numbers), with fixed gradients: the optimizer's own cost
 * per training step, without the forward and backward passes. The same update written with plain
 * tf ops (as tensor-backend's mlp-step bench does) is the baseline for the tree machinery's overhead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineBenchmarks, defineCase, type BenchCase } from '@probdl/bench';
import { tree, type Tree } from '@probdl/tensor-backend';
import { applyUpdates } from '../src/apply-updates.js';
import { adam } from '../src/optimizers/index.js';
import type { OptState } from '../src/types.js';

const SIZES = [14, 128, 128, 64, 1];
const LR = 1e-3;
const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

/** [W1, b1, W2, b2, W3, b3, W4, b4]: He-initialised weights, zero biases, fixed seeds. */
function mlpParams(): tf.Tensor[] {
  const params: tf.Tensor[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    params.push(tf.randomNormal([SIZES[i]!, SIZES[i + 1]!], 0, Math.sqrt(2 / SIZES[i]!), 'float32', 1 + i));
    params.push(tf.zeros([SIZES[i + 1]!]));
  }
  return params;
}

function fakeGrads(params: tf.Tensor[]): tf.Tensor[] {
  return params.map((p, i) => tf.randomNormal(p.shape, 0, 0.01, 'float32', 100 + i));
}

const PARAMS = { layers: SIZES.join('→'), tensors: 8, numbers: 27_009, lr: LR, b1: B1, b2: B2, eps: EPS };

interface TreeState {
  params: tf.Tensor[];
  grads: tf.Tensor[];
  optState: OptState[];
}

const optimizer = adam(LR, { b1: B1, b2: B2, eps: EPS });

/** One update through the package: update, applyUpdates, and the bookkeeping a loop does. */
function treeStep(s: TreeState): void {
  const [updates, next] = optimizer.update(s.grads, s.optState, s.params);
  const params = applyUpdates(s.params, updates) as tf.Tensor[];
  tree.dispose([updates, s.optState, s.params as Tree]);
  s.params = params;
  s.optState = next;
}

function treeCase(updatesPerRun: number): BenchCase<TreeState> {
  return defineCase<TreeState>({
    name: updatesPerRun === 1 ? 'adam update (package)' : `adam update (package) x${updatesPerRun} per readback`,
    unit: 'update',
    itemsPerRun: updatesPerRun,
    sync: 'await the last bias of the new params (the last op queued) once per run',
    params: { ...PARAMS, implementation: 'adam() + applyUpdates', updatesPerRun },
    setup: () => {
      const params = mlpParams();
      return { params, grads: fakeGrads(params), optState: optimizer.init(params) };
    },
    run: async ({ state }) => {
      for (let i = 0; i < updatesPerRun; i++) treeStep(state);
      await state.params[7]!.data();
    },
    teardown: ({ state }) => tree.dispose([state.params as Tree, state.grads as Tree, state.optState]),
  });
}

interface PlainState {
  params: tf.Tensor[];
  grads: tf.Tensor[];
  m: tf.Tensor[];
  v: tf.Tensor[];
  t: number;
}

/** The same update as a hand-written loop of tf ops (bias correction on the host). */
function plainCase(): BenchCase<PlainState> {
  return defineCase<PlainState>({
    name: 'adam update (plain tf ops)',
    unit: 'update',
    sync: 'await the last bias of the new params once per run',
    params: { ...PARAMS, implementation: 'plain tf ops, host bias correction' },
    setup: () => {
      const params = mlpParams();
      return { params, grads: fakeGrads(params), m: params.map((p) => tf.zerosLike(p)), v: params.map((p) => tf.zerosLike(p)), t: 0 };
    },
    run: async ({ state: s }) => {
      s.t += 1;
      const bc1 = 1 - B1 ** s.t;
      const bc2 = 1 - B2 ** s.t;
      const out = tf.tidy(() => {
        const m = s.grads.map((g, i) => tf.add(tf.mul(s.m[i]!, B1), tf.mul(g, 1 - B1)));
        const v = s.grads.map((g, i) => tf.add(tf.mul(s.v[i]!, B2), tf.mul(tf.square(g), 1 - B2)));
        const params = s.params.map((p, i) => tf.sub(p, tf.mul(tf.div(tf.div(m[i]!, bc1), tf.add(tf.sqrt(tf.div(v[i]!, bc2)), EPS)), LR)));
        return { m, v, params };
      });
      tf.dispose([...s.params, ...s.m, ...s.v]);
      Object.assign(s, out);
      await s.params[7]!.data();
    },
    teardown: ({ state: s }) => tf.dispose([...s.params, ...s.grads, ...s.m, ...s.v]),
  });
}

export default defineBenchmarks({
  package: '@probdl/optimizers',
  description: 'One Adam update over the 14→128→128→64→1 MLP parameters (8 tensors, 27,009 numbers), per backend.',
  cases: [treeCase(1), treeCase(10), plainCase()],
});
