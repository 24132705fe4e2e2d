import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@probdl/tensor-backend';
const backend = process.argv[2] ?? 'wasm';
await initBackend({ prefer: [backend as never] });
function time(name: string, f: () => tf.Tensor, n = 200) {
  for (let i = 0; i < 10; i++) f().dispose();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f().dispose();
  console.log(name.padEnd(40), ((performance.now() - t0) / n * 1000).toFixed(1), 'us');
}
for (const shape of [[512, 128], [512, 16]]) {
  console.log(shape);
  const a = tf.randomNormal(shape); const c = tf.randomNormal(shape);
  const ones = tf.ones([1, 512]);
  for (const [n, f] of Object.entries({
    sigmoid: () => tf.sigmoid(a), tanh: () => tf.tanh(a), softplus: () => tf.softplus(a), exp: () => tf.exp(a), log: () => tf.log(tf.abs(a)) ,
    square: () => tf.square(a), sub: () => tf.sub(a, c), div: () => tf.div(a, c), neg: () => tf.neg(a), sqrt: () => tf.sqrt(a),
    'sum axis0': () => tf.sum(a, 0), 'sum axis1': () => tf.sum(a, 1), 'max axis1': () => tf.max(a, 1), 'sum all': () => tf.sum(a),
    'matMul ones·a': () => tf.matMul(ones, a), transpose: () => tf.transpose(a), 'mul bcast row': () => tf.mul(a, tf.slice(c, [0, 0], [1, shape[1]!])),
    'sub bcast col': () => tf.sub(a, tf.slice(c, [0, 0], [512, 1])), greater: () => tf.greater(a, 0), where: () => tf.where(tf.greater(a, 0), a, c),
    slice: () => tf.slice(a, [0, 0], [256, shape[1]!]), 'reshape': () => tf.reshape(a, [-1]), clone: () => tf.clone(a), 'softmax': () => tf.softmax(a),
    'logSoftmax': () => tf.logSoftmax(a), abs: () => tf.abs(a), relu: () => tf.relu(a), elu: () => tf.elu(a), 'sqdiff': () => tf.squaredDifference(a, c), 'reciprocal': () => tf.reciprocal(a), 'rsqrt': () => tf.rsqrt(tf.abs(a)),
  })) time(n, f);
}
