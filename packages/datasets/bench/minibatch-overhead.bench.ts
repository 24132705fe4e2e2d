/**
 * The minibatch iterator's cost per batch (512 rows × 14 features, and the [512, 1] targets) against
 * one MDN training step of the tutorial's shape: 14→128→128→64→48, the 48 outputs read as a mixture
 * of 16 Normals (logits, means, softplus scales: the 2021 variant's MixtureSameFamily), NLL loss,
 * forward and backward with `tf.variableGrads`, and an Adam update written with plain ops (lr 1e-3).
 * Written with plain tfjs-core ops, since datasets may not import the layers package.
 * Target: the iterator's time per batch under 5% of the step's; the 'step fed by the iterator' case
 * gives the same overhead measured in the loop itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineBenchmarks, defineCase } from '@probdl/bench';
import { key } from '@probdl/tensor-backend';
import { minibatches, minibatchesAsync, type Minibatch } from '../src/index.js';

const N = 200_000;
const B = 512;
const SIZES = [14, 128, 128, 64, 48];
const K = 16;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

interface Data {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

function data(): Data {
  return { x: tf.randomNormal([N, 14], 0, 1, 'float32', 1) as tf.Tensor2D, y: tf.randomUniform([N, 1], 0, 1, 'float32', 2) as tf.Tensor2D };
}

interface Net {
  vars: tf.Variable[];
  m: tf.Tensor[];
  v: tf.Tensor[];
  t: number;
}

function net(): Net {
  const vars: tf.Variable[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    // tidy frees the initial values; the variables keep their data.
    vars.push(tf.tidy(() => tf.variable(tf.randomNormal([SIZES[i]!, SIZES[i + 1]!], 0, Math.sqrt(2 / SIZES[i]!), 'float32', 10 + i))));
    vars.push(tf.tidy(() => tf.variable(tf.zeros([SIZES[i + 1]!]))));
  }
  return { vars, m: vars.map((x) => tf.zerosLike(x)), v: vars.map((x) => tf.zerosLike(x)), t: 0 };
}

function nll(n: Net, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  let h = x;
  for (let i = 0; i < 4; i++) {
    h = tf.add(tf.matMul(h, n.vars[2 * i]!), n.vars[2 * i + 1]!);
    if (i === 0 || i === 1) h = tf.relu(h);
    else if (i === 2) h = tf.tanh(h);
  }
  const logits = tf.slice(h, [0, 0], [-1, K]);
  const loc = tf.slice(h, [0, K], [-1, K]);
  const scale = tf.add(tf.softplus(tf.slice(h, [0, 2 * K], [-1, K])), 1e-3);
  const z = tf.div(tf.sub(y, loc), scale);
  const logN = tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), tf.log(scale)), LOG_SQRT_2PI);
  const logMix = tf.logSumExp(tf.add(tf.logSoftmax(logits), logN), 1);
  return tf.neg(tf.mean(logMix)) as tf.Scalar;
}

/** One training step (forward, backward, Adam); returns the loss (a fresh scalar). */
function step(n: Net, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  n.t += 1;
  const bc1 = 1 - 0.9 ** n.t;
  const bc2 = 1 - 0.999 ** n.t;
  const { value, grads } = tf.variableGrads(() => nll(n, x, y), n.vars);
  const next = tf.tidy(() => {
    const m = n.vars.map((p, i) => tf.add(tf.mul(n.m[i]!, 0.9), tf.mul(grads[p.name]!, 0.1)));
    const v = n.vars.map((p, i) => tf.add(tf.mul(n.v[i]!, 0.999), tf.mul(tf.square(grads[p.name]!), 0.001)));
    n.vars.forEach((p, i) => p.assign(tf.sub(p, tf.mul(tf.div(tf.div(m[i]!, bc1), tf.add(tf.sqrt(tf.div(v[i]!, bc2)), 1e-8)), 1e-3))));
    return { m, v };
  });
  tf.dispose([...n.m, ...n.v, ...Object.values(grads)]);
  n.m = next.m;
  n.v = next.v;
  return value;
}

function disposeNet(n: Net): void {
  tf.dispose([...n.vars, ...n.m, ...n.v]);
}

const PARAMS = { rows: N, batch: B, features: 14, net: SIZES.join('→'), mixture: '16 Normals' };

interface IterState {
  d: Data;
  it: Iterator<Minibatch<Data>>;
}

interface StepState {
  d: Data;
  n: Net;
  fixed: Data;
}

interface LoopState {
  d: Data;
  n: Net;
  it: AsyncIterator<Minibatch<Data>>;
}

export default defineBenchmarks({
  package: '@probdl/datasets',
  description: 'Minibatch iterator overhead per 512 × 14 batch against one MDN training step (14→128→128→64→48, 16-Normal mixture).',
  cases: [
    defineCase<IterState>({
      name: 'minibatches: one 512-row batch',
      unit: 'batch',
      sync: 'await the batch targets, then dispose the batch',
      params: { ...PARAMS, iterator: 'minibatches (gather)' },
      setup: () => {
        const d = data();
        return { d, it: minibatches(key(0), d, { batchSize: B, epochs: 1000, dropLast: true })[Symbol.iterator]() };
      },
      run: async ({ state }) => {
        const { batch } = state.it.next().value as Minibatch<Data>;
        await batch.y.data();
        tf.dispose([batch.x, batch.y]);
      },
      teardown: ({ state }) => {
        state.it.return?.();
        tf.dispose([state.d.x, state.d.y]);
      },
    }),
    defineCase<StepState>({
      name: 'MDN training step on a fixed batch',
      unit: 'step',
      sync: 'await the loss',
      params: { ...PARAMS, optimizer: 'adam 1e-3, plain ops' },
      setup: () => {
        const d = data();
        return { d, n: net(), fixed: { x: tf.slice(d.x, [0, 0], [B, 14]), y: tf.slice(d.y, [0, 0], [B, 1]) } };
      },
      run: async ({ state }) => {
        const loss = step(state.n, state.fixed.x, state.fixed.y);
        await loss.data();
        loss.dispose();
      },
      teardown: ({ state }) => {
        disposeNet(state.n);
        tf.dispose([state.d.x, state.d.y, state.fixed.x, state.fixed.y]);
      },
    }),
    defineCase<LoopState>({
      name: 'MDN training step fed by minibatchesAsync (prefetch 1)',
      unit: 'step',
      sync: 'await the loss',
      params: { ...PARAMS, optimizer: 'adam 1e-3, plain ops', iterator: 'minibatchesAsync prefetch 1' },
      setup: () => {
        const d = data();
        return { d, n: net(), it: minibatchesAsync(key(0), d, { batchSize: B, epochs: 1000, dropLast: true })[Symbol.asyncIterator]() };
      },
      run: async ({ state }) => {
        const { batch } = (await state.it.next()).value as Minibatch<Data>;
        const loss = step(state.n, batch.x, batch.y);
        await loss.data();
        tf.dispose([loss, batch.x, batch.y]);
      },
      teardown: async ({ state }) => {
        await state.it.return?.();
        disposeNet(state.n);
        tf.dispose([state.d.x, state.d.y]);
      },
    }),
  ],
});
