/**
 * One training step of the cluster-mass MLP, 14→128→128→64→1: forward (dense + relu ×3, a linear
 * output), MSE loss, gradients of all 8 parameter tensors, and an Adam update written with plain
 * tf ops, all inside tf.tidy. tooling/bench/python/mlp_step.py is the same step in PyTorch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineBenchmarks, defineCase, type BenchCase } from '@probdl/bench';

const SIZES = [14, 128, 128, 64, 1];
const LR = 1e-3;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

interface MlpState {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  /** [W1, b1, W2, b2, W3, b3, W4, b4] */
  params: tf.Tensor[];
  m: tf.Tensor[];
  v: tf.Tensor[];
  t: number;
}

function setup(batch: number): MlpState {
  const params: tf.Tensor[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    const fanIn = SIZES[i]!;
    const fanOut = SIZES[i + 1]!;
    // He initialisation; fixed seeds, so every run times the same numbers.
    params.push(tf.randomNormal([fanIn, fanOut], 0, Math.sqrt(2 / fanIn), 'float32', 1 + i));
    params.push(tf.zeros([fanOut]));
  }
  return {
    x: tf.randomNormal([batch, SIZES[0]!], 0, 1, 'float32', 101),
    y: tf.randomNormal([batch, 1], 0, 1, 'float32', 102),
    params,
    m: params.map((p) => tf.zerosLike(p)),
    v: params.map((p) => tf.zerosLike(p)),
    t: 0,
  };
}

function loss(x: tf.Tensor2D, y: tf.Tensor2D, p: tf.Tensor[]): tf.Scalar {
  let h: tf.Tensor = x;
  for (let i = 0; i < 3; i++) h = tf.relu(tf.add(tf.matMul(h, p[2 * i]! as tf.Tensor2D), p[2 * i + 1]!));
  const out = tf.add(tf.matMul(h as tf.Tensor2D, p[6]! as tf.Tensor2D), p[7]!);
  return tf.mean(tf.square(tf.sub(out, y)));
}

/** One step; returns the loss (a scalar the caller owns) and swaps in the new params and moments. */
function step(s: MlpState): tf.Scalar {
  s.t += 1;
  const bc1 = 1 - BETA1 ** s.t;
  const bc2 = 1 - BETA2 ** s.t;
  const out = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => loss(s.x, s.y, p))(s.params);
    const m = grads.map((g, i) => tf.add(tf.mul(s.m[i]!, BETA1), tf.mul(g, 1 - BETA1)));
    const v = grads.map((g, i) => tf.add(tf.mul(s.v[i]!, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
    const params = s.params.map((p, i) => tf.sub(p, tf.mul(tf.div(tf.div(m[i]!, bc1), tf.add(tf.sqrt(tf.div(v[i]!, bc2)), EPS)), LR)));
    return { value, params, m, v };
  });
  tf.dispose([...s.params, ...s.m, ...s.v]);
  s.params = out.params;
  s.m = out.m;
  s.v = out.v;
  return out.value as tf.Scalar;
}

function mlpCase(batch: number): BenchCase<MlpState> {
  return defineCase<MlpState>({
    name: `adam step batch ${batch}`,
    unit: 'step',
    sync: 'await loss.data() at the end of every step',
    params: { layers: SIZES.join('→'), batch, optimizer: 'adam (plain tf ops)', loss: 'mse' },
    setup: () => setup(batch),
    run: async ({ state }) => {
      const l = step(state);
      await l.data();
      l.dispose();
    },
    teardown: ({ state }) => tf.dispose([state.x, state.y, ...state.params, ...state.m, ...state.v]),
    pytorch: { script: 'mlp_step.py', args: { batch } },
  });
}

export default defineBenchmarks({
  package: '@probdl/tensor-backend',
  description: 'One Adam training step of a 14→128→128→64→1 MLP, the shape of the cluster-mass study.',
  cases: [mlpCase(512), mlpCase(4096)],
});
